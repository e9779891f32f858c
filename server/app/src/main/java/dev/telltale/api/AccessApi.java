package dev.telltale.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telltale.auth.User;
import dev.telltale.auth.Users;
import dev.telltale.rbac.Access;
import dev.telltale.rbac.Memberships;
import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RbacException;
import dev.telltale.rbac.TeamRole;
import dev.telltale.teams.Teams;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Arrays;

/**
 * Who is who: {@code /me}, users ({@code /users}, organisation Admins), teams ({@code /teams})
 * and their members ({@code /teams/{id}/members}, a team's Team Admins or organisation Admins).
 */
final class AccessApi implements HttpService {
    private final Users users;
    private final Teams teams;
    private final Memberships memberships;
    private final dev.telltale.auth.Sessions sessions;

    AccessApi(Users users, Teams teams, Memberships memberships, dev.telltale.auth.Sessions sessions) {
        this.sessions = sessions;
        this.users = users;
        this.teams = teams;
        this.memberships = memberships;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/me", this::me)
                .post("/me/password", this::changePassword)
                .get("/users", this::users)
                .post("/users", this::createUser)
                .get("/teams", this::teams)
                .post("/teams", this::createTeam)
                .get("/teams/{id}/members", this::members)
                .put("/teams/{id}/members/{user}", this::setMember)
                .delete("/teams/{id}/members/{user}", this::removeMember);
    }

    private void me(ServerRequest req, ServerResponse res) {
        Access a = Principal.access(req);
        ObjectNode o = Json.object().put("id", a.userId()).put("username", a.username()).put("admin", a.orgAdmin());
        // The UI reads its CSRF token here; only session-authenticated requests have one.
        req.context().get(dev.telltale.auth.Sessions.Session.class).ifPresent(s -> o.put("csrf_token", s.csrfToken()));
        ArrayNode t = o.putArray("teams");
        a.teams().forEach((id, role) -> t.addObject().put("id", id)
                .put("name", teams.byId(id).map(Teams.Team::name).orElse("?")).put("role", role.name()));
        Json.send(res, o);
    }

    private void changePassword(ServerRequest req, ServerResponse res) {
        Access a = Principal.access(req);
        if (a.userId() < 0) {
            throw ApiProblem.badRequest("integration clients have secrets, not passwords");
        }
        ObjectNode body = Json.body(req);
        Json.onlyFields(body, "current_password", "new_password");
        char[] current = Json.text(body, "current_password").toCharArray();
        char[] replacement = Json.text(body, "new_password").toCharArray();
        try {
            if (!users.changePassword(a.username(), current, replacement)) {
                throw new ApiProblem(403, "Forbidden", "the current password is wrong or the account is locked");
            }
            sessions.endAll(a.userId()); // every browser signed in with the old password signs in again
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest(e.getMessage());
        } finally {
            Arrays.fill(current, '\0');
            Arrays.fill(replacement, '\0');
        }
        res.status(Status.NO_CONTENT_204).send();
    }

    private void users(ServerRequest req, ServerResponse res) {
        ArrayNode arr = Json.MAPPER.createArrayNode();
        for (User u : users.list()) {
            arr.addObject().put("id", u.id()).put("username", u.username()).put("admin", u.admin())
                    .put("password_change_required", u.mustChangePassword());
        }
        Json.send(res, Json.object().set("users", arr));
    }

    private void createUser(ServerRequest req, ServerResponse res) {
        User actor = Principal.user(req);
        ObjectNode body = Json.body(req);
        Json.onlyFields(body, "username", "password", "admin");
        char[] password = Json.text(body, "password").toCharArray();
        boolean admin = body.has("admin") && body.get("admin").asBoolean(false);
        try {
            User u = users.create(Json.text(body, "username"), password, admin, actor.username());
            Json.send(res, Status.CREATED_201, Json.object().put("id", u.id()).put("username", u.username())
                    .put("admin", u.admin()).put("password_change_required", true));
        } catch (IllegalArgumentException e) {
            throw e.getMessage().contains("already exists") ? new ApiProblem(409, "Conflict", e.getMessage())
                    : ApiProblem.badRequest(e.getMessage());
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private void teams(ServerRequest req, ServerResponse res) {
        Access a = Principal.access(req);
        ArrayNode arr = Json.MAPPER.createArrayNode();
        for (Teams.Team t : teams.list()) {
            if (a.orgAdmin() || a.teams().containsKey(t.id())) {
                ObjectNode o = arr.addObject().put("id", t.id()).put("name", t.name());
                TeamRole r = a.teams().get(t.id());
                if (r != null) {
                    o.put("role", r.name());
                }
            }
        }
        Json.send(res, Json.object().set("teams", arr));
    }

    private void createTeam(ServerRequest req, ServerResponse res) {
        User actor = Principal.user(req);
        ObjectNode body = Json.body(req);
        Json.onlyFields(body, "name");
        try {
            Teams.Team t = teams.create(Json.text(body, "name"), actor.username());
            Json.send(res, Status.CREATED_201, Json.object().put("id", t.id()).put("name", t.name()));
        } catch (IllegalArgumentException e) {
            throw e.getMessage().contains("already exists") ? new ApiProblem(409, "Conflict", e.getMessage())
                    : ApiProblem.badRequest(e.getMessage());
        }
    }

    private long team(ServerRequest req) {
        long id = Json.pathId(req, "id", "a team id");
        teams.byId(id).orElseThrow(() -> ApiProblem.notFound("no team " + id));
        Principal.require(req, Permission.MEMBERS_MANAGE, id);
        return id;
    }

    private void members(ServerRequest req, ServerResponse res) {
        long team = team(req);
        ArrayNode arr = Json.MAPPER.createArrayNode();
        memberships.members(team).forEach(m -> arr.addObject().put("user_id", m.userId()).put("username", m.username())
                .put("role", m.role().name()));
        Json.send(res, Json.object().set("members", arr));
    }

    private void setMember(ServerRequest req, ServerResponse res) {
        long team = team(req);
        long user = Json.pathId(req, "user", "a user id");
        ObjectNode body = Json.body(req);
        Json.onlyFields(body, "role");
        String r = Json.text(body, "role");
        TeamRole role = TeamRole.parse(r).orElseThrow(() -> ApiProblem.badRequest(
                "'role' must be one of TEAM_ADMIN, DEVELOPER, VIEWER"));
        try {
            memberships.set(team, user, role, Principal.user(req).username());
        } catch (RbacException e) {
            throw ApiProblem.notFound(e.getMessage());
        }
        Json.send(res, Json.object().put("team_id", team).put("user_id", user).put("role", role.name()));
    }

    private void removeMember(ServerRequest req, ServerResponse res) {
        long team = team(req);
        long user = Json.pathId(req, "user", "a user id");
        if (!memberships.remove(team, user, Principal.user(req).username())) {
            throw ApiProblem.notFound("user " + user + " is not a member of team " + team);
        }
        res.status(Status.NO_CONTENT_204).send();
    }
}
