package dev.telltale.ui.admin;

import dev.telltale.rbac.Access;
import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RouteTable;
import dev.telltale.teams.Teams;
import dev.telltale.ui.Chrome;
import dev.telltale.ui.Views;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The administration index: a card per section the user may open. A section is listed when its
 * page is declared in the route table and the user holds the route's permission, so sections
 * that arrive later (single sign-on, certificates, integrations) appear here as soon as their
 * pages are declared, to exactly the roles allowed to use them.
 */
final class AdminIndex {
    /** A section: its page and what it is for. */
    record Section(String title, String href, String description) {
    }

    private static final List<Section> SECTIONS = List.of(
            new Section("Users", "/admin/users", "Local accounts: create users, organisation Admins, initial passwords."),
            new Section("Teams", "/admin/teams", "Teams and their members with their roles."),
            new Section("Integration clients", "/admin/clients", "Client ids and secrets for programs using the API."),
            new Section("Single sign-on", "/admin/sso", "OpenID Connect settings."),
            new Section("Certificates", "/admin/certificates", "The TLS certificate and CA: upload your own, signing requests, rollback."),
            new Section("Integrations", "/admin/integrations", "Webhooks, Slack and Jira."),
            new Section("Vulnerability database", "/admin/vulndb", "Offline OSV advisories: status, age and imports."),
            new Section("Upgrades", "/admin/upgrades", "Signed upgrade bundles: upload, apply with a health gate, roll back."),
            new Section("Backups", "/admin/backups", "Back up now, download archives, the schedule and the target."),
            new Section("Audit log", "/admin/audit", "Who did what and when, with export."),
            new Section("System", "/admin/system", "Version, health, storage, retention and upgrades."));

    private final Views views;
    private final RouteTable routes;
    private final Teams teams;

    AdminIndex(Views views, RouteTable routes, Teams teams) {
        this.views = views;
        this.routes = routes;
        this.teams = teams;
    }

    void show(ServerRequest req, ServerResponse res) {
        Access a = Admin.access(req);
        List<Section> shown = new ArrayList<>();
        for (Section s : SECTIONS) {
            if (s.href().equals("/admin/teams") && !a.can(Permission.TEAMS_MANAGE)) {
                shown.addAll(teamSections(a)); // a Team Admin goes straight to their own teams' members
            } else if (routes.match("GET", s.href()).filter(r -> r.page() && Chrome.allowed(a, r.permission())).isPresent()) {
                shown.add(s);
            }
        }
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, "Administration"));
        m.put("sections", shown);
        views.send(res, 200, "admin", m);
    }

    private List<Section> teamSections(Access a) {
        return teams.list().stream().filter(t -> a.can(Permission.MEMBERS_MANAGE, t.id()))
                .map(t -> new Section("Team " + t.name(), "/admin/teams/" + t.id(), "Members of team " + t.name()
                        + " and their roles.")).toList();
    }
}
