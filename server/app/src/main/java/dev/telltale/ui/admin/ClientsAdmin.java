package dev.telltale.ui.admin;

import dev.telltale.rbac.Access;
import dev.telltale.rbac.ApiClients;
import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RbacException;
import dev.telltale.rbac.RouteTable;
import dev.telltale.rbac.TeamRole;
import dev.telltale.teams.Teams;
import dev.telltale.ui.Chrome;
import dev.telltale.ui.Form;
import dev.telltale.ui.UiException;
import dev.telltale.ui.Views;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Integration clients of the teams in which the user manages clients: the list, creating one
 * with a team role (its secret shown once, on the page right after), and revoking. The clients
 * service audits both.
 */
final class ClientsAdmin {
    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private final Views views;
    private final RouteTable routes;
    private final ApiClients clients;
    private final Teams teams;
    private final OneTimeSecrets secrets;

    ClientsAdmin(Views views, RouteTable routes, ApiClients clients, Teams teams, OneTimeSecrets secrets) {
        this.views = views;
        this.routes = routes;
        this.clients = clients;
        this.teams = teams;
        this.secrets = secrets;
    }

    /** A client as the list shows it (never its secret, which is not stored). */
    record ClientRow(long id, String name, String clientId, String team, String role, String created, boolean active,
                     String revoked) {
    }

    /** A team the user may create clients for. */
    record TeamChoice(long id, String name, boolean selected) {
    }

    /** What the creation form held. */
    record Draft(String name, String team, String role) {
    }

    void show(ServerRequest req, ServerResponse res) {
        Optional<OneTimeSecrets.Secret> shown = req.query().first("shown").asOptional()
                .flatMap(k -> secrets.take(k, Admin.session(req).csrfToken()));
        render(req, res, 200, new Draft("", "", TeamRole.VIEWER.name()), Map.of(), shown);
    }

    private void render(ServerRequest req, ServerResponse res, int status, Draft draft, Map<String, String> errors,
                        Optional<OneTimeSecrets.Secret> shown) {
        Access a = Admin.access(req);
        Map<Long, String> names = new HashMap<>();
        teams.list().forEach(t -> names.put(t.id(), t.name()));
        List<ClientRow> rows = clients.list().stream().filter(c -> a.can(Permission.CLIENTS_MANAGE, c.teamId()))
                .map(c -> new ClientRow(c.id(), c.name(), c.clientId(), names.getOrDefault(c.teamId(), "?"),
                        Roles.label(c.role()), WHEN.format(c.createdAt()) + " by " + c.createdBy(), c.revokedAt().isEmpty(),
                        c.revokedAt().map(WHEN::format).orElse(""))).toList();
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, "Integration clients"));
        m.put("clients", rows);
        m.put("teams", teams.list().stream().filter(t -> a.can(Permission.CLIENTS_MANAGE, t.id()))
                .map(t -> new TeamChoice(t.id(), t.name(), String.valueOf(t.id()).equals(draft.team()))).toList());
        m.put("roles", Roles.CHOICES);
        m.put("draft", draft);
        m.put("errors", errors);
        m.put("shown", shown);
        m.put("flash", Admin.flash(req));
        views.send(res, status, "admin-clients", m);
    }

    void create(ServerRequest req, ServerResponse res) {
        Form f = Form.read(req);
        Access a = Admin.access(req);
        Draft draft = new Draft(f.text("name"), f.text("team"), f.text("role"));
        Map<String, String> errors = new LinkedHashMap<>();
        Optional<Teams.Team> team = Admin.number(draft.team()).flatMap(teams::byId)
                .filter(t -> a.can(Permission.CLIENTS_MANAGE, t.id()));
        if (team.isEmpty()) {
            errors.put("team", "Choose a team in which you manage integration clients.");
        }
        Optional<TeamRole> role = TeamRole.parse(draft.role());
        if (role.isEmpty()) {
            errors.put("role", "Choose a role.");
        }
        if (draft.name().isEmpty()) {
            errors.put("name", "Enter a name that says which program uses this client.");
        }
        if (errors.isEmpty()) {
            try {
                ApiClients.CreatedClient c = clients.create(team.get().id(), draft.name(), role.get(), a.username());
                String key = secrets.put(Admin.session(req).csrfToken(), new OneTimeSecrets.Secret("Client secret",
                        c.client().clientId(), c.secret()));
                Views.redirect(res, "/admin/clients?done=client-created&shown=" + key);
                return;
            } catch (RbacException e) {
                errors.put("name", Admin.sentence(e.getMessage()));
            }
        }
        render(req, res, 400, draft, errors, Optional.empty());
    }

    void revoke(ServerRequest req, ServerResponse res) {
        Form.read(req);
        long id = Admin.pathId(req, "id", "client");
        Access a = Admin.access(req);
        ApiClients.Client c = clients.active(id).filter(x -> a.can(Permission.CLIENTS_MANAGE, x.teamId()))
                .orElseThrow(() -> new UiException(404, "There is no such active client."));
        clients.revoke(c.id(), a.username());
        Views.redirect(res, "/admin/clients?done=client-revoked");
    }
}
