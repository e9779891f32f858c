package dev.telltale.ui.sso;

import dev.telltale.rbac.TeamRole;
import dev.telltale.sso.SsoSettings;
import dev.telltale.ui.Form;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The single sign-on settings as the form shows and sends them: lists as text (scopes separated
 * by spaces, one group per line, mappings as {@code group, team, ROLE} lines), read back into
 * settings with an error per field.
 */
record SsoForm(boolean enabled, String issuer, String clientId, String scopes, String groupsClaim,
               String usernameClaim, String trustedCaPem, String defaultTeam, String defaultRole, String mappings,
               String adminGroups) {

    static SsoForm of(SsoSettings s) {
        return new SsoForm(s.enabled(), s.issuer().orElse(""), s.clientId().orElse(""), String.join(" ", s.scopes()),
                s.groupsClaim(), s.usernameClaim(), s.trustedCaPem().orElse(""),
                s.defaultAccess().map(SsoSettings.TeamGrant::team).orElse(""),
                s.defaultAccess().map(g -> g.role().name()).orElse("VIEWER"),
                String.join("\n", s.groupMappings().stream().map(m -> m.group() + ", " + m.team() + ", " + m.role().name())
                        .toList()),
                String.join("\n", s.adminGroups()));
    }

    static SsoForm read(Form f) {
        return new SsoForm(f.first("enabled").isPresent(), f.text("issuer"), f.text("client_id"), f.text("scopes"),
                f.text("groups_claim"), f.text("username_claim"), f.first("trusted_ca_pem").orElse("").strip(),
                f.text("default_team"), f.text("default_role"), f.first("group_mappings").orElse(""),
                f.first("admin_groups").orElse(""));
    }

    /** The settings this form describes; problems the form itself can see go to {@code errors} by field. */
    SsoSettings settings(Map<String, String> errors) {
        List<SsoSettings.GroupMapping> parsed = new ArrayList<>();
        String[] lines = mappings.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("\\s*,\\s*");
            Optional<TeamRole> role = parts.length == 3 ? role(parts[2]) : Optional.empty();
            if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || role.isEmpty()) {
                errors.putIfAbsent("group_mappings", "Line " + (i + 1) + ": write group, team, role — the role one of "
                        + "TEAM_ADMIN, DEVELOPER, VIEWER.");
                continue;
            }
            parsed.add(new SsoSettings.GroupMapping(parts[0], parts[1], role.get()));
        }
        Optional<SsoSettings.TeamGrant> defaultAccess = Optional.empty();
        if (!defaultTeam.isEmpty()) {
            Optional<TeamRole> r = role(defaultRole);
            if (r.isEmpty()) {
                errors.put("default_role", "Choose a role.");
            } else {
                defaultAccess = Optional.of(new SsoSettings.TeamGrant(defaultTeam, r.get()));
            }
        }
        List<String> scopeList = scopes.isBlank() ? SsoSettings.DEFAULT_SCOPES : Arrays.asList(scopes.strip().split("\\s+"));
        return new SsoSettings(enabled, opt(issuer), opt(clientId), scopeList,
                groupsClaim.isEmpty() ? SsoSettings.DEFAULT_GROUPS_CLAIM : groupsClaim,
                usernameClaim.isEmpty() ? SsoSettings.DEFAULT_USERNAME_CLAIM : usernameClaim, opt(trustedCaPem),
                defaultAccess, parsed, adminGroups.lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
    }

    private static Optional<String> opt(String s) {
        return s.isBlank() ? Optional.empty() : Optional.of(s);
    }

    private static Optional<TeamRole> role(String s) {
        try {
            return Optional.of(TeamRole.valueOf(s.strip().toUpperCase(Locale.ROOT).replace(' ', '_')));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The form field a settings error names: {@code group_mappings[2].team} belongs to the mappings box. */
    static String fieldOf(String settingsField) {
        int bracket = settingsField.indexOf('[');
        String base = bracket < 0 ? settingsField : settingsField.substring(0, bracket);
        return switch (base) {
            case "default_access" -> settingsField.endsWith("role") ? "default_role" : "default_team";
            case "issuer", "client_id", "client_secret", "scopes", "groups_claim", "username_claim", "trusted_ca_pem",
                 "group_mappings", "admin_groups" -> base;
            default -> "form";
        };
    }
}
