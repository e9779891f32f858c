package dev.telltale.rbac;

/**
 * What a route needs. Organisation permissions belong to organisation Admins only; team
 * permissions come from a team role and apply to that team's things (an organisation Admin has
 * them in every team). {@link #PUBLIC} and {@link #SIGNED_IN} are for routes that need no role.
 */
public enum Permission {
    /** No authentication (health, token exchange, signed download links). */
    PUBLIC(Level.NONE),
    /** Any signed-in user (the rule catalogue, one's own identity). */
    SIGNED_IN(Level.NONE),

    APPS_VIEW(Level.TEAM), APPS_EDIT(Level.TEAM),
    EVENTS_VIEW(Level.TEAM),
    ALERTS_VIEW(Level.TEAM), ALERTS_TRIAGE(Level.TEAM),
    POLICIES_VIEW(Level.TEAM), POLICIES_ASSIGN(Level.TEAM), POLICIES_EDIT(Level.TEAM),
    INTEGRATIONS_VIEW(Level.TEAM), INTEGRATIONS_EDIT(Level.TEAM),
    JIRA(Level.TEAM),
    SBOM_VIEW(Level.TEAM),
    DOWNLOADS(Level.TEAM), RUN_TOKENS_MANAGE(Level.TEAM),
    CLIENTS_MANAGE(Level.TEAM), MEMBERS_MANAGE(Level.TEAM),

    /** Organisation-wide custom policies and the default policy. */
    POLICIES_MANAGE(Level.ORG),
    USERS_MANAGE(Level.ORG), TEAMS_MANAGE(Level.ORG), AUDIT_VIEW(Level.ORG), APPLIANCE_MANAGE(Level.ORG),
    /** Single sign-on settings: who may sign in, and which access the provider's groups grant. */
    SSO_MANAGE(Level.ORG);

    public enum Level { NONE, TEAM, ORG }

    private final Level level;

    Permission(Level level) {
        this.level = level;
    }

    public Level level() {
        return level;
    }
}
