package dev.telltale.sso;

import dev.telltale.teams.Teams;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validation of settings before they are stored, field by field, with messages that name the
 * field as the API spells it ({@code issuer}, {@code group_mappings[2].team}, …). Teams are
 * resolved to ids here so that what is stored refers to teams that exist.
 */
final class SettingsCheck {
    static final int MAX_MAPPINGS = 500;
    static final int MAX_ADMIN_GROUPS = 100;
    static final int MAX_SCOPES = 20;
    static final int MAX_PEM_CHARS = 32_000;
    // RFC 6749 §3.3 scope-token: visible ASCII except '"' and '\'.
    private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,100}");
    private static final Pattern VISIBLE = Pattern.compile("[\\x21-\\x7E]+");

    private final Teams teams;

    SettingsCheck(Teams teams) {
        this.teams = teams;
    }

    /**
     * Checks {@code s} and resolves its teams.
     *
     * @param secretAvailable whether a client secret is stored or given with these settings
     * @throws SsoException {@link SsoException.Kind#INVALID_SETTING} naming the first bad field
     */
    AccessRules check(SsoSettings s, Optional<String> newSecret, boolean secretAvailable) {
        s.issuer().ifPresent(SettingsCheck::issuer);
        s.clientId().ifPresent(id -> visible("client_id", id, 255));
        newSecret.ifPresent(SettingsCheck::secret);
        scopes(s.scopes());
        visible("groups_claim", s.groupsClaim(), 100);
        visible("username_claim", s.usernameClaim(), 100);
        s.trustedCaPem().ifPresent(SettingsCheck::pem);
        if (s.enabled()) {
            s.issuer().orElseThrow(() -> SsoException.invalid("issuer", "is required to enable single sign-on"));
            s.clientId().orElseThrow(() -> SsoException.invalid("client_id", "is required to enable single sign-on"));
            if (!secretAvailable) {
                throw SsoException.invalid("client_secret", "is required to enable single sign-on (none is stored)");
            }
        }
        return new AccessRules(s.defaultAccess().map(g -> grant("default_access", g.team(), g.role())),
                mappings(s.groupMappings()), adminGroups(s.adminGroups()));
    }

    private static void issuer(String issuer) {
        if (issuer.length() > 400) {
            throw SsoException.invalid("issuer", "has at most 400 characters");
        }
        URI u;
        try {
            u = new URI(issuer);
        } catch (URISyntaxException e) {
            throw SsoException.invalid("issuer", "is not a URL: " + e.getReason());
        }
        if (!"https".equals(u.getScheme()) || u.getHost() == null) {
            throw SsoException.invalid("issuer", "must be an https URL with a host, e.g. https://example.okta.com/oauth2/default");
        }
        if (u.getRawUserInfo() != null || u.getRawQuery() != null || u.getRawFragment() != null) {
            throw SsoException.invalid("issuer", "must not have user information, a query or a fragment");
        }
    }

    private static void secret(String secret) {
        if (secret.isEmpty() || secret.length() > 1000 || secret.chars().anyMatch(Character::isISOControl)) {
            throw SsoException.invalid("client_secret", "must be 1-1000 characters without control characters");
        }
    }

    private static void scopes(List<String> scopes) {
        if (scopes.isEmpty() || scopes.size() > MAX_SCOPES) {
            throw SsoException.invalid("scopes", "must list 1-" + MAX_SCOPES + " scopes");
        }
        for (int i = 0; i < scopes.size(); i++) {
            if (!SCOPE.matcher(scopes.get(i)).matches()) {
                throw SsoException.invalid("scopes[" + i + "]", "is not a scope (1-100 visible characters, no quotes or backslashes)");
            }
        }
        if (!scopes.contains("openid")) {
            throw SsoException.invalid("scopes", "must include openid");
        }
        if (new HashSet<>(scopes).size() != scopes.size()) {
            throw SsoException.invalid("scopes", "lists a scope twice");
        }
    }

    private static void visible(String field, String value, int max) {
        if (value.length() > max || !VISIBLE.matcher(value).matches()) {
            throw SsoException.invalid(field, "must be 1-" + max + " visible ASCII characters without spaces");
        }
    }

    private static void pem(String pem) {
        if (pem.length() > MAX_PEM_CHARS) {
            throw SsoException.invalid("trusted_ca_pem", "has at most " + MAX_PEM_CHARS + " characters");
        }
        try {
            TrustedCas.parse(pem);
        } catch (IllegalArgumentException e) {
            throw SsoException.invalid("trusted_ca_pem", e.getMessage());
        }
    }

    private AccessRules.Grant grant(String field, String team, dev.telltale.rbac.TeamRole role) {
        Teams.Team t = teams.byName(team).orElseThrow(() -> SsoException.invalid(field + ".team",
                "names no team: '" + Text.clean(team, 100) + "'"));
        return new AccessRules.Grant(t.id(), t.name(), role);
    }

    private List<AccessRules.Mapping> mappings(List<SsoSettings.GroupMapping> given) {
        if (given.size() > MAX_MAPPINGS) {
            throw SsoException.invalid("group_mappings", "has at most " + MAX_MAPPINGS + " entries");
        }
        List<AccessRules.Mapping> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < given.size(); i++) {
            SsoSettings.GroupMapping m = given.get(i);
            String field = "group_mappings[" + i + "]";
            group(field + ".group", m.group());
            AccessRules.Grant g = grant(field, m.team(), m.role());
            if (!seen.add(m.group() + "\n" + g.teamId())) {
                throw SsoException.invalid(field, "maps group '" + m.group() + "' to team '" + m.team() + "' a second time");
            }
            out.add(new AccessRules.Mapping(m.group(), g));
        }
        return out;
    }

    private static Set<String> adminGroups(List<String> given) {
        if (given.size() > MAX_ADMIN_GROUPS) {
            throw SsoException.invalid("admin_groups", "has at most " + MAX_ADMIN_GROUPS + " entries");
        }
        for (int i = 0; i < given.size(); i++) {
            group("admin_groups[" + i + "]", given.get(i));
        }
        if (new HashSet<>(given).size() != given.size()) {
            throw SsoException.invalid("admin_groups", "lists a group twice");
        }
        return Set.copyOf(given);
    }

    private static void group(String field, String group) {
        if (group.isEmpty() || group.length() > 255 || group.chars().anyMatch(Character::isISOControl)) {
            throw SsoException.invalid(field, "must be a group name of 1-255 characters without control characters");
        }
    }
}
