package dev.telltale.api;

import dev.telltale.rbac.RouteTable;

import static dev.telltale.rbac.Permission.*;

/**
 * Every route of the appliance's HTTPS API and the permission it needs: the one place access
 * is declared. {@link Principal} refuses requests that match no route here, so a handler
 * registered without a line in this table cannot be reached.
 */
final class ApiRoutes {
    private ApiRoutes() {
    }

    static RouteTable table() {
        return new RouteTable()
                .add("GET", "/api/health", PUBLIC)
                .add("GET", "/metrics", PUBLIC)
                .page("POST", "/login", PUBLIC)
                .page("POST", "/logout", SIGNED_IN)
                .add("GET", "/sso/login", PUBLIC)
                .add("GET", "/sso/callback", PUBLIC)
                .add("POST", "/api/v1/auth/token", PUBLIC)
                .add("DELETE", "/api/v1/auth/token", SIGNED_IN)
                .add("GET", "/api/v1/me", SIGNED_IN)
                .add("POST", "/api/v1/me/password", SIGNED_IN)

                .add("GET", "/api/v1/audit", AUDIT_VIEW)
                .add("GET", "/api/v1/audit/export", AUDIT_VIEW)
                .add("GET", "/api/v1/sso", SSO_MANAGE)
                .add("PUT", "/api/v1/sso", SSO_MANAGE)
                .add("GET", "/api/v1/users", USERS_MANAGE)
                .add("POST", "/api/v1/users", USERS_MANAGE)
                .add("GET", "/api/v1/teams", SIGNED_IN)
                .add("POST", "/api/v1/teams", TEAMS_MANAGE)
                .add("GET", "/api/v1/teams/{id}/members", MEMBERS_MANAGE)
                .add("PUT", "/api/v1/teams/{id}/members/{user}", MEMBERS_MANAGE)
                .add("DELETE", "/api/v1/teams/{id}/members/{user}", MEMBERS_MANAGE)

                .add("GET", "/api/v1/clients", CLIENTS_MANAGE)
                .add("POST", "/api/v1/clients", CLIENTS_MANAGE)
                .add("DELETE", "/api/v1/clients/{id}", CLIENTS_MANAGE)

                .add("POST", "/api/v1/run-tokens", RUN_TOKENS_MANAGE)
                .add("GET", "/api/v1/run-tokens", RUN_TOKENS_MANAGE)
                .add("DELETE", "/api/v1/run-tokens/{id}", RUN_TOKENS_MANAGE)

                .add("GET", "/api/v1/events", EVENTS_VIEW)
                .add("GET", "/api/v1/events/facets", EVENTS_VIEW)
                .add("GET", "/api/v1/events/histogram", EVENTS_VIEW)
                .add("GET", "/api/v1/events/{uid}", EVENTS_VIEW)

                .add("GET", "/api/v1/rules", SIGNED_IN)
                .add("GET", "/api/v1/rules/{id}", SIGNED_IN)
                .add("GET", "/api/v1/policies", POLICIES_VIEW)
                .add("GET", "/api/v1/policies/{id}", POLICIES_VIEW)
                .add("POST", "/api/v1/policies", POLICIES_EDIT)
                .add("PUT", "/api/v1/policies/default", POLICIES_MANAGE)
                .add("PUT", "/api/v1/policies/{id}", POLICIES_EDIT)
                .add("DELETE", "/api/v1/policies/{id}", POLICIES_EDIT)
                .add("GET", "/api/v1/applications", APPS_VIEW)
                .add("PUT", "/api/v1/applications/{id}/policy", POLICIES_ASSIGN)
                .add("GET", "/api/v1/applications/{app}/components/{component}/versions/{version}/inventory", SBOM_VIEW)
                .add("GET", "/api/v1/applications/{app}/components/{component}/versions/{version}/sbom", SBOM_VIEW)
                // Importing changes what the version's SBOM says: those who edit applications.
                .add("POST", "/api/v1/applications/{app}/components/{component}/versions/{version}/sbom", APPS_EDIT)

                .add("GET", "/api/v1/alerts", ALERTS_VIEW)
                .add("GET", "/api/v1/alerts/{id}", ALERTS_VIEW)
                .add("GET", "/api/v1/alerts/{id}/evidence", ALERTS_VIEW)
                .add("POST", "/api/v1/alerts/{id}/occurrences/{occurrence}/transitions", ALERTS_TRIAGE)
                .add("POST", "/api/v1/alerts/{id}/occurrences/{occurrence}/comments", ALERTS_TRIAGE)

                .add("GET", "/api/v1/backups", APPLIANCE_MANAGE)
                .add("POST", "/api/v1/backups", APPLIANCE_MANAGE)
                .add("GET", "/api/v1/backups/settings", APPLIANCE_MANAGE)
                .add("PUT", "/api/v1/backups/settings", APPLIANCE_MANAGE)
                .add("POST", "/api/v1/backups/settings/test", APPLIANCE_MANAGE)
                .add("GET", "/api/v1/backups/{id}/archive", APPLIANCE_MANAGE)
                .add("POST", "/api/v1/backups/{id}/export", APPLIANCE_MANAGE)

                .add("GET", "/api/v1/integrations", INTEGRATIONS_VIEW)
                .add("POST", "/api/v1/integrations", INTEGRATIONS_EDIT)
                .add("GET", "/api/v1/integrations/{id}", INTEGRATIONS_VIEW)
                .add("PUT", "/api/v1/integrations/{id}", INTEGRATIONS_EDIT)
                .add("DELETE", "/api/v1/integrations/{id}", INTEGRATIONS_EDIT)
                .add("POST", "/api/v1/integrations/{id}/test", INTEGRATIONS_EDIT)
                .add("GET", "/api/v1/integrations/{id}/deliveries", INTEGRATIONS_VIEW)
                .add("GET", "/api/v1/integrations/{id}/tickets", INTEGRATIONS_VIEW)
                .add("POST", "/api/v1/integrations/{id}/tickets/refresh", JIRA)

                .add("GET", "/api/v1/upgrades", APPLIANCE_MANAGE)
                .add("GET", "/api/v1/upgrades/current", APPLIANCE_MANAGE)
                .add("POST", "/api/v1/upgrades/bundles", APPLIANCE_MANAGE)
                .add("DELETE", "/api/v1/upgrades/bundles/{version}", APPLIANCE_MANAGE)
                .add("POST", "/api/v1/upgrades/apply", APPLIANCE_MANAGE)
                .add("POST", "/api/v1/upgrades/rollback", APPLIANCE_MANAGE)
                .add("GET", "/api/v1/vulndb", SIGNED_IN)
                .add("POST", "/api/v1/vulndb/import", APPLIANCE_MANAGE)
                .add("GET", "/api/v1/vulndb/imports/{id}", APPLIANCE_MANAGE)

                .add("GET", "/api/v1/certificates/server", APPLIANCE_MANAGE)
                .add("GET", "/api/v1/certificates/ca.pem", SIGNED_IN)
                .add("PUT", "/api/v1/certificates/server", APPLIANCE_MANAGE)
                .add("POST", "/api/v1/certificates/server/rollback", APPLIANCE_MANAGE)
                .add("POST", "/api/v1/certificates/server/regenerate", APPLIANCE_MANAGE)
                .add("GET", "/api/v1/certificates/csr", APPLIANCE_MANAGE)
                .add("POST", "/api/v1/certificates/csr", APPLIANCE_MANAGE)
                .add("POST", "/api/v1/certificates/transition/end", APPLIANCE_MANAGE)

                .add("GET", "/api/v1/findings", SBOM_VIEW)
                .add("POST", "/api/v1/findings/scan", APPLIANCE_MANAGE)
                .add("GET", "/api/v1/findings/{id}", SBOM_VIEW)
                .add("GET", "/api/v1/findings/{id}/history", SBOM_VIEW)
                .add("POST", "/api/v1/findings/{id}/transitions", ALERTS_TRIAGE)

                .add("GET", "/api/v1/downloads", DOWNLOADS)
                .add("POST", "/api/v1/downloads/config", RUN_TOKENS_MANAGE)
                .add("GET", "/api/v1/downloads/{file}", DOWNLOADS);
    }
}
