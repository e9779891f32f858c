package dev.telltale.sso;

import dev.telltale.rbac.TeamRole;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Single sign-on settings as an organisation Admin sees and edits them. The client secret is not
 * part of them: it is written separately and never read back ({@link Stored#clientSecretSet}).
 *
 * @param enabled        whether {@code /sso/login} starts sign-ins
 * @param issuer         the provider's issuer URL (https), e.g. {@code https://example.okta.com/oauth2/default}
 * @param clientId       the client id of this appliance's application at the provider
 * @param scopes         requested scopes; {@code openid} among them
 * @param groupsClaim    the ID token claim that lists the user's groups
 * @param usernameClaim  the claim that names the user here (then {@code email}, then {@code sub})
 * @param trustedCaPem   extra CA certificates (PEM) trusted for the provider besides the JDK's
 * @param defaultAccess  the team role of users none of whose groups is mapped; empty: no access until mapped
 * @param groupMappings  provider groups that grant team roles
 * @param adminGroups    provider groups whose members are organisation Admins
 */
public record SsoSettings(boolean enabled, Optional<String> issuer, Optional<String> clientId, List<String> scopes,
                          String groupsClaim, String usernameClaim, Optional<String> trustedCaPem,
                          Optional<TeamGrant> defaultAccess, List<GroupMapping> groupMappings,
                          List<String> adminGroups) {
    public static final List<String> DEFAULT_SCOPES = List.of("openid", "profile", "email", "groups");
    public static final String DEFAULT_GROUPS_CLAIM = "groups";
    public static final String DEFAULT_USERNAME_CLAIM = "preferred_username";

    public SsoSettings {
        scopes = List.copyOf(scopes);
        groupMappings = List.copyOf(groupMappings);
        adminGroups = List.copyOf(adminGroups);
    }

    /** What an appliance starts with: single sign-on off, the defaults filled in. */
    public static SsoSettings initial() {
        return new SsoSettings(false, Optional.empty(), Optional.empty(), DEFAULT_SCOPES, DEFAULT_GROUPS_CLAIM,
                DEFAULT_USERNAME_CLAIM, Optional.empty(), Optional.empty(), List.of(), List.of());
    }

    /** A role in a team, the team by name. */
    public record TeamGrant(String team, TeamRole role) {
    }

    /** Members of {@code group} get {@code role} in {@code team}. */
    public record GroupMapping(String group, String team, TeamRole role) {
    }

    /** The settings as stored, whether a client secret is stored, and who changed them last. */
    public record Stored(SsoSettings settings, boolean clientSecretSet, Optional<Instant> updatedAt,
                         Optional<String> updatedBy) {
    }
}
