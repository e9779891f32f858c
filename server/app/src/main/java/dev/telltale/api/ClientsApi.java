package dev.telltale.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.rbac.Access;
import dev.telltale.rbac.ApiClients;
import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RbacException;
import dev.telltale.rbac.TeamRole;
import dev.telltale.teams.Teams;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code /api/v1/clients}: integration clients of the teams the user manages clients for;
 * the secret is shown once at creation.
 */
final class ClientsApi implements HttpService {
    private final ApiClients clients;
    private final Teams teams;

    ClientsApi(ApiClients clients, Teams teams) {
        this.clients = clients;
        this.teams = teams;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list).post("/", this::create).delete("/{id}", this::revoke);
    }

    private void list(ServerRequest req, ServerResponse res) {
        Access a = Principal.access(req);
        ArrayNode arr = Json.MAPPER.createArrayNode();
        for (ApiClients.Client c : clients.list()) {
            if (a.can(Permission.CLIENTS_MANAGE, c.teamId())) {
                arr.add(json(c));
            }
        }
        Json.send(res, Json.object().set("clients", arr));
    }

    private ObjectNode json(ApiClients.Client c) {
        ObjectNode o = Json.object().put("id", c.id()).put("name", c.name()).put("client_id", c.clientId())
                .put("team_id", c.teamId()).put("team", teams.byId(c.teamId()).map(Teams.Team::name).orElse("?"))
                .put("role", c.role().name()).put("created_at", c.createdAt().toString()).put("created_by", c.createdBy())
                .put("active", c.revokedAt().isEmpty());
        c.revokedAt().ifPresent(r -> o.put("revoked_at", r.toString()));
        return o;
    }

    private void create(ServerRequest req, ServerResponse res) {
        ObjectNode body = Json.body(req);
        Json.onlyFields(body, "name", "team", "role");
        Teams.Team team = Json.team(body, teams);
        Principal.require(req, Permission.CLIENTS_MANAGE, team.id());
        TeamRole role = TeamRole.parse(Json.optionalText(body, "role").orElse("VIEWER")).orElseThrow(
                () -> ApiProblem.badRequest("'role' must be one of TEAM_ADMIN, DEVELOPER, VIEWER"));
        try {
            ApiClients.CreatedClient c = clients.create(team.id(), Json.text(body, "name"), role,
                    Principal.user(req).username());
            Json.send(res, Status.CREATED_201, json(c.client()).put("client_secret", c.secret()));
        } catch (RbacException e) {
            throw ApiProblem.badRequest(e.getMessage());
        }
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        long id = Json.pathId(req, "id", "a client id");
        Access a = Principal.access(req);
        ApiClients.Client c = clients.active(id).filter(x -> a.can(Permission.CLIENTS_MANAGE, x.teamId()))
                .orElseThrow(() -> ApiProblem.notFound("no active client " + id));
        clients.revoke(c.id(), Principal.user(req).username());
        res.status(Status.NO_CONTENT_204).send();
    }
}
