package dev.telltale.ui.admin;

import dev.telltale.auth.User;
import dev.telltale.auth.Users;
import dev.telltale.rbac.Memberships;
import dev.telltale.rbac.RouteTable;
import dev.telltale.rbac.TeamRole;
import dev.telltale.teams.Teams;
import dev.telltale.ui.Chrome;
import dev.telltale.ui.Form;
import dev.telltale.ui.Views;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Local users (organisation Admins only): the list with each user's teams, and creating a user
 * with an initial password typed by the Admin or generated and shown once. Either way the user
 * must choose their own at first sign-in. The users service audits each creation.
 */
final class UsersAdmin {
    private static final char[] ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Views views;
    private final RouteTable routes;
    private final Users users;
    private final Memberships memberships;
    private final Teams teams;
    private final OneTimeSecrets secrets;

    UsersAdmin(Views views, RouteTable routes, Users users, Memberships memberships, Teams teams, OneTimeSecrets secrets) {
        this.views = views;
        this.routes = routes;
        this.users = users;
        this.memberships = memberships;
        this.teams = teams;
        this.secrets = secrets;
    }

    /** A user as the list shows it. */
    record UserRow(String username, boolean admin, boolean mustChange, String teams) {
    }

    /** What the creation form held, to show it again with its errors. */
    record Draft(String username, boolean admin) {
    }

    void show(ServerRequest req, ServerResponse res) {
        Optional<OneTimeSecrets.Secret> shown = req.query().first("shown").asOptional()
                .flatMap(k -> secrets.take(k, Admin.session(req).csrfToken()));
        render(req, res, 200, new Draft("", false), Map.of(), shown);
    }

    private void render(ServerRequest req, ServerResponse res, int status, Draft draft, Map<String, String> errors,
                        Optional<OneTimeSecrets.Secret> shown) {
        Map<Long, String> teamNames = teams.list().stream().collect(Collectors.toMap(Teams.Team::id, Teams.Team::name));
        List<UserRow> rows = users.list().stream().map(u -> new UserRow(u.username(), u.admin(), u.mustChangePassword(),
                teamsOf(u, teamNames))).toList();
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, "Users"));
        m.put("users", rows);
        m.put("draft", draft);
        m.put("errors", errors);
        m.put("shown", shown);
        m.put("flash", Admin.flash(req));
        views.send(res, status, "admin-users", m);
    }

    private String teamsOf(User u, Map<Long, String> names) {
        Map<Long, TeamRole> roles = memberships.of(u.id());
        return roles.entrySet().stream().map(e -> names.getOrDefault(e.getKey(), "?") + " (" + Roles.label(e.getValue()) + ")")
                .sorted().collect(Collectors.joining(", "));
    }

    void create(ServerRequest req, ServerResponse res) {
        Form f = Form.read(req);
        String username = f.text("username");
        boolean admin = f.first("admin").isPresent();
        String typed = f.first("password").orElse("");
        boolean generated = typed.isEmpty();
        char[] password = generated ? generate() : typed.toCharArray();
        try {
            Map<String, String> errors = new LinkedHashMap<>();
            if (username.isEmpty()) {
                errors.put("username", "Enter a user name.");
            } else if (users.find(username).isPresent()) {
                errors.put("username", "A user named '" + username + "' already exists.");
            }
            if (!generated) {
                Users.weakness(username, password).ifPresent(w -> errors.put("password", Admin.sentence(w)));
            }
            if (errors.isEmpty()) {
                try {
                    User u = users.create(username, password, admin, Admin.access(req).username());
                    String next = "/admin/users?done=user-created";
                    if (generated) {
                        next += "&shown=" + secrets.put(Admin.session(req).csrfToken(), new OneTimeSecrets.Secret(
                                "Initial password", u.username(), new String(password)));
                    }
                    Views.redirect(res, next);
                    return;
                } catch (IllegalArgumentException e) {
                    errors.put(e.getMessage().contains("password") ? "password" : "username", Admin.sentence(e.getMessage()));
                }
            }
            render(req, res, 400, new Draft(username, admin), errors, Optional.empty());
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** 20 random characters from an alphabet without look-alikes, in groups of five for reading aloud. */
    static char[] generate() {
        char[] out = new char[23];
        for (int i = 0; i < out.length; i++) {
            out[i] = (i + 1) % 6 == 0 ? '-' : ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return out;
    }
}
