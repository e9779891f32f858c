package dev.telltale.ui.admin;

import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RouteTable;
import dev.telltale.ui.Page;
import dev.telltale.ui.Ui;
import dev.telltale.ui.Views;
import io.helidon.webserver.http.HttpRules;

/**
 * Administration: an index of the sections the user may use, users, teams and their members,
 * integration clients, the audit log and the system's state. Each route needs the permission
 * of the API route it mirrors; {@code /admin} itself needs the weakest any section needs (a Team
 * Admin's member management), so Viewers and Developers see neither the page nor its menu item.
 */
public final class AdminPage implements Page {
    private final AdminIndex index;
    private final UsersAdmin users;
    private final TeamsAdmin teams;
    private final ClientsAdmin clients;
    private final AuditView audit;
    private final SystemView system;

    public AdminPage(Views views, RouteTable routes, Ui.Services s) {
        OneTimeSecrets secrets = new OneTimeSecrets(s.clock());
        this.index = new AdminIndex(views, routes, s.teams());
        this.users = new UsersAdmin(views, routes, s.users(), s.memberships(), s.teams(), secrets);
        this.teams = new TeamsAdmin(views, routes, s.teams(), s.users(), s.memberships());
        this.clients = new ClientsAdmin(views, routes, s.clients(), s.teams(), secrets);
        this.audit = new AuditView(views, routes, s.auditLog());
        this.system = new SystemView(views, routes, s);
    }

    @Override
    public void declare(RouteTable t) {
        t.page("GET", "/admin", Permission.MEMBERS_MANAGE)
                .page("GET", "/admin/users", Permission.USERS_MANAGE)
                .page("POST", "/admin/users", Permission.USERS_MANAGE)
                .page("GET", "/admin/teams", Permission.MEMBERS_MANAGE)
                .page("POST", "/admin/teams", Permission.TEAMS_MANAGE)
                .page("GET", "/admin/teams/{id}", Permission.MEMBERS_MANAGE)
                .page("POST", "/admin/teams/{id}/members", Permission.MEMBERS_MANAGE)
                .page("POST", "/admin/teams/{id}/members/{user}", Permission.MEMBERS_MANAGE)
                .page("POST", "/admin/teams/{id}/members/{user}/remove", Permission.MEMBERS_MANAGE)
                .page("GET", "/admin/clients", Permission.CLIENTS_MANAGE)
                .page("POST", "/admin/clients", Permission.CLIENTS_MANAGE)
                .page("POST", "/admin/clients/{id}/revoke", Permission.CLIENTS_MANAGE)
                .page("GET", "/admin/audit", Permission.AUDIT_VIEW)
                .page("GET", "/admin/system", Permission.APPLIANCE_MANAGE);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/admin", index::show)
                .get("/admin/users", users::show)
                .post("/admin/users", users::create)
                .get("/admin/teams", teams::list)
                .post("/admin/teams", teams::create)
                .get("/admin/teams/{id}", teams::show)
                .post("/admin/teams/{id}/members", teams::add)
                .post("/admin/teams/{id}/members/{user}", teams::change)
                .post("/admin/teams/{id}/members/{user}/remove", teams::remove)
                .get("/admin/clients", clients::show)
                .post("/admin/clients", clients::create)
                .post("/admin/clients/{id}/revoke", clients::revoke)
                .get("/admin/audit", audit::show)
                .get("/admin/system", system::show);
    }
}
