package dev.telltale.ui.admin;

import dev.telltale.auth.User;
import dev.telltale.auth.Users;
import dev.telltale.rbac.Access;
import dev.telltale.rbac.Memberships;
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

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Teams (created by organisation Admins) and their members (managed by the team's Team Admins
 * and organisation Admins): add a user by name with a role, change a role, remove. The teams and
 * memberships services audit every change.
 */
final class TeamsAdmin {
    private final Views views;
    private final RouteTable routes;
    private final Teams teams;
    private final Users users;
    private final Memberships memberships;

    TeamsAdmin(Views views, RouteTable routes, Teams teams, Users users, Memberships memberships) {
        this.views = views;
        this.routes = routes;
        this.teams = teams;
        this.users = users;
        this.memberships = memberships;
    }

    /** A team in the list. */
    record TeamRow(long id, String name, int members) {
    }

    /** A member with their role. */
    record MemberRow(long userId, String htmlId, String username, String role, String roleLabel, boolean you) {
    }

    void list(ServerRequest req, ServerResponse res) {
        renderList(req, res, 200, "", Map.of());
    }

    private void renderList(ServerRequest req, ServerResponse res, int status, String name, Map<String, String> errors) {
        Access a = Admin.access(req);
        List<TeamRow> rows = teams.list().stream().filter(t -> a.can(Permission.MEMBERS_MANAGE, t.id()))
                .map(t -> new TeamRow(t.id(), t.name(), memberships.members(t.id()).size())).toList();
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, "Teams"));
        m.put("teams", rows);
        m.put("mayCreate", a.can(Permission.TEAMS_MANAGE));
        m.put("name", name);
        m.put("errors", errors);
        m.put("flash", Admin.flash(req));
        views.send(res, status, "admin-teams", m);
    }

    void create(ServerRequest req, ServerResponse res) {
        Form f = Form.read(req);
        String name = f.text("name");
        if (name.isEmpty()) {
            renderList(req, res, 400, name, Map.of("name", "Enter a name for the team."));
            return;
        }
        try {
            Teams.Team t = teams.create(name, Admin.access(req).username());
            Views.redirect(res, "/admin/teams/" + t.id() + "?done=team-created");
        } catch (IllegalArgumentException e) {
            renderList(req, res, 400, name, Map.of("name", Admin.sentence(e.getMessage())));
        }
    }

    /**
     * The team of the path, if the user manages its members.
     *
     * @throws UiException 404 for an unknown team, 403 for another team's
     */
    private Teams.Team team(ServerRequest req) {
        long id = Admin.pathId(req, "id", "team");
        Teams.Team t = teams.byId(id).orElseThrow(() -> new UiException(404, "There is no such team."));
        if (!Admin.access(req).can(Permission.MEMBERS_MANAGE, id)) {
            throw new UiException(403, "You do not manage the members of team " + t.name() + ".");
        }
        return t;
    }

    void show(ServerRequest req, ServerResponse res) {
        render(req, res, 200, team(req), "", Map.of());
    }

    private void render(ServerRequest req, ServerResponse res, int status, Teams.Team t, String username,
                        Map<String, String> errors) {
        long me = Admin.access(req).userId();
        List<MemberRow> rows = memberships.members(t.id()).stream().map(mb -> new MemberRow(mb.userId(),
                "member-" + mb.userId(), mb.username(), mb.role().name(), Roles.label(mb.role()), mb.userId() == me)).toList();
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, "Team " + t.name()));
        m.put("team", t);
        m.put("members", rows);
        m.put("roles", Roles.CHOICES);
        m.put("username", username);
        m.put("errors", errors);
        m.put("flash", Admin.flash(req));
        views.send(res, status, "admin-team", m);
    }

    void add(ServerRequest req, ServerResponse res) {
        Form f = Form.read(req);
        Teams.Team t = team(req);
        String username = f.text("username");
        Optional<TeamRole> role = TeamRole.parse(f.text("role"));
        Optional<User> user = username.isEmpty() ? Optional.empty() : users.find(username);
        if (user.isEmpty() || role.isEmpty()) {
            render(req, res, 400, t, username, user.isEmpty()
                    ? Map.of("username", username.isEmpty() ? "Enter the user's name." : "There is no user named '" + username + "'.")
                    : Map.of("role", "Choose a role."));
            return;
        }
        set(req, res, t, user.get().id(), role.get(), "member-added");
    }

    void change(ServerRequest req, ServerResponse res) {
        Form f = Form.read(req);
        Teams.Team t = team(req);
        long user = member(req, t);
        TeamRole role = TeamRole.parse(f.text("role")).orElseThrow(() -> new UiException(400, "Choose a role."));
        set(req, res, t, user, role, "member-changed");
    }

    private void set(ServerRequest req, ServerResponse res, Teams.Team t, long user, TeamRole role, String done) {
        try {
            memberships.set(t.id(), user, role, Admin.access(req).username());
        } catch (RbacException e) {
            throw new UiException(404, "There is no such user or team.");
        }
        Views.redirect(res, "/admin/teams/" + t.id() + "?done=" + done);
    }

    void remove(ServerRequest req, ServerResponse res) {
        Form.read(req);
        Teams.Team t = team(req);
        long user = member(req, t);
        Access a = Admin.access(req);
        memberships.remove(t.id(), user, a.username());
        // Team Admins who remove themselves no longer manage this team: they go where they still may.
        boolean stillManages = a.orgAdmin() || user != a.userId();
        Views.redirect(res, stillManages ? "/admin/teams/" + t.id() + "?done=member-removed" : "/");
    }

    private long member(ServerRequest req, Teams.Team t) {
        long user = Admin.pathId(req, "user", "member");
        if (memberships.members(t.id()).stream().noneMatch(m -> m.userId() == user)) {
            throw new UiException(404, "That user is not a member of team " + t.name() + ".");
        }
        return user;
    }
}
