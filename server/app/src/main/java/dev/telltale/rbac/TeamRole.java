package dev.telltale.rbac;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import static dev.telltale.rbac.Permission.*;

/**
 * Team roles and what each may do in its team (PRODUCT.md, "Access"): a Team Admin everything
 * on the team's applications, policies, integrations, clients and members; a Developer creates,
 * views and updates applications, triages alerts and files Jira tickets; a Viewer only views.
 */
public enum TeamRole {
    TEAM_ADMIN(EnumSet.of(APPS_VIEW, APPS_EDIT, EVENTS_VIEW, ALERTS_VIEW, ALERTS_TRIAGE, POLICIES_VIEW, POLICIES_ASSIGN,
            POLICIES_EDIT,
            INTEGRATIONS_VIEW, INTEGRATIONS_EDIT, JIRA, SBOM_VIEW, DOWNLOADS, RUN_TOKENS_MANAGE, CLIENTS_MANAGE,
            MEMBERS_MANAGE)),
    DEVELOPER(EnumSet.of(APPS_VIEW, APPS_EDIT, EVENTS_VIEW, ALERTS_VIEW, ALERTS_TRIAGE, POLICIES_VIEW,
            INTEGRATIONS_VIEW, JIRA, SBOM_VIEW, DOWNLOADS)),
    VIEWER(EnumSet.of(APPS_VIEW, EVENTS_VIEW, ALERTS_VIEW, POLICIES_VIEW, INTEGRATIONS_VIEW, SBOM_VIEW));

    private final Set<Permission> permissions;

    TeamRole(Set<Permission> permissions) {
        this.permissions = Set.copyOf(permissions);
    }

    public boolean grants(Permission p) {
        return permissions.contains(p);
    }

    public Set<Permission> permissions() {
        return permissions;
    }

    /** Parses TEAM_ADMIN, DEVELOPER or VIEWER (case-insensitive; "team-admin" too). */
    public static Optional<TeamRole> parse(String s) {
        String n = s == null ? "" : s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_').replace(' ', '_');
        for (TeamRole r : values()) {
            if (r.name().equals(n)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
