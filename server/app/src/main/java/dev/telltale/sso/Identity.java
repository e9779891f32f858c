package dev.telltale.sso;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.telltale.auth.Users;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Who a valid ID token says the user is: the provider's subject (the link, stable and never
 * reassigned), the name they get here, and their groups.
 */
record Identity(String issuer, String subject, String username, Set<String> groups) {
    static final int MAX_GROUPS = 1000;

    /**
     * Reads the identity from validated claims. The name comes from {@code usernameClaim}, else
     * {@code email}, else {@code sub}; groups from {@code groupsClaim} (a list of strings, or one
     * string), absent meaning none.
     *
     * @throws SsoException REFUSED when the name is not a valid username here
     */
    static Identity from(JWTClaimsSet claims, String usernameClaim, String groupsClaim) {
        for (String claim : List.of(usernameClaim, "email", "sub")) {
            if (claims.getClaim(claim) instanceof String raw && !raw.isBlank()) {
                String name = Users.validName(raw).orElseThrow(() -> SsoException.refused("the provider's user name '"
                        + Text.clean(raw, 100) + "' (claim '" + claim + "') is not valid here: a username is 1-100"
                        + " letters, digits, '.', '_', '-' or '@'"));
                return new Identity(claims.getIssuer(), claims.getSubject(), name,
                        groups(claims.getClaim(groupsClaim)));
            }
        }
        // Unreachable for a validated token: the validator requires sub.
        throw SsoException.refused("the ID token names no user (no " + usernameClaim + ", email or sub)");
    }

    private static Set<String> groups(Object value) {
        Set<String> out = new LinkedHashSet<>();
        if (value instanceof String s) {
            out.add(s);
        } else if (value instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof String s && out.size() < MAX_GROUPS) {
                    out.add(s);
                }
            }
        }
        return Set.copyOf(out);
    }
}
