package dev.telltale.ui;

import dev.telltale.auth.Sessions;
import dev.telltale.auth.User;
import dev.telltale.auth.Users;
import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RouteTable;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Changing one's own password, which a user with a generated password must do before anything
 * else. A change ends every session of the user (on every browser), so the next step is signing in.
 */
final class AccountPage implements Page {
    private final Views views;
    private final RouteTable routes;
    private final Users users;
    private final Sessions sessions;

    AccountPage(Views views, RouteTable routes, Users users, Sessions sessions) {
        this.views = views;
        this.routes = routes;
        this.users = users;
        this.sessions = sessions;
    }

    @Override
    public void declare(RouteTable t) {
        t.page("GET", "/account/password", Permission.SIGNED_IN).page("POST", "/account/password", Permission.SIGNED_IN);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/account/password", (req, res) -> show(req, res, 200, Map.of()))
                .post("/account/password", this::change);
    }

    private void show(ServerRequest req, ServerResponse res, int status, Map<String, String> errors) {
        User u = req.context().get(User.class).orElseThrow();
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", Chrome.of(req, routes, "Change password"));
        m.put("forced", u.mustChangePassword());
        m.put("errors", errors);
        views.send(res, status, "password", m);
    }

    private void change(ServerRequest req, ServerResponse res) {
        Form f = Form.read(req);
        User u = req.context().get(User.class).orElseThrow();
        char[] current = f.first("current").orElse("").toCharArray();
        char[] replacement = f.first("password").orElse("").toCharArray();
        char[] confirm = f.first("confirm").orElse("").toCharArray();
        try {
            Map<String, String> errors = new HashMap<>();
            if (current.length == 0) {
                errors.put("current", "Enter your current password.");
            }
            Optional<String> weak = Users.weakness(u.username(), replacement);
            weak.ifPresent(w -> errors.put("password", capitalise(w) + "."));
            if (weak.isEmpty() && !Arrays.equals(replacement, confirm)) {
                errors.put("confirm", "The two new passwords differ.");
            }
            if (errors.isEmpty()) {
                try {
                    if (!users.changePassword(u.username(), current, replacement)) {
                        errors.put("current", "The current password is wrong (or the account is locked for a few minutes).");
                    }
                } catch (IllegalArgumentException e) {
                    errors.put("password", capitalise(e.getMessage()) + ".");
                }
            }
            if (!errors.isEmpty()) {
                show(req, res, 400, errors);
                return;
            }
            sessions.endAll(u.id());
            Views.redirect(res, "/login?changed");
        } finally {
            Arrays.fill(current, '\0');
            Arrays.fill(replacement, '\0');
            Arrays.fill(confirm, '\0');
        }
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
