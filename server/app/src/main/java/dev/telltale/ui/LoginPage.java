package dev.telltale.ui;

import dev.telltale.auth.Tokens;
import dev.telltale.rbac.Permission;
import dev.telltale.rbac.RouteTable;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The sign-in page. Its form carries a token that must match a short-lived cookie set with the
 * page (double submit), so another site cannot sign a browser in to an account of its choosing.
 * The form posts to {@code POST /login} (see the API's sessions handler), which checks it.
 */
final class LoginPage implements Page {
    private static final Map<String, String> MESSAGES = Map.of(
            "failed", "Unknown user, wrong password, or the account is locked for a few minutes.",
            "expired", "Your session has ended. Sign in again.",
            "out", "You have signed out.",
            "changed", "Your password was changed. Sign in with the new one.",
            "stale", "The sign-in form had expired. Please try again.",
            "sso", "Single sign-on did not complete. Try again or ask an administrator.");
    private final Views views;
    private final BooleanSupplier ssoEnabled;

    LoginPage(Views views, BooleanSupplier ssoEnabled) {
        this.views = views;
        this.ssoEnabled = ssoEnabled;
    }

    @Override
    public void declare(RouteTable routes) {
        routes.page("GET", "/login", Permission.PUBLIC);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/login", this::show);
    }

    private void show(ServerRequest req, ServerResponse res) {
        String token = Tokens.newToken("login_");
        res.headers().add(HeaderNames.SET_COOKIE, Form.LOGIN_COOKIE + "=" + token + "; Path=/login; Max-Age=3600; Secure; HttpOnly;"
                + " SameSite=Strict");
        Map<String, Object> m = new HashMap<>();
        m.put("csrf", token);
        m.put("next", Redirects.local(req.query().first("next").orElse("/")));
        m.put("ssoEnabled", ssoEnabled.getAsBoolean());
        String message = MESSAGES.keySet().stream().filter(k -> req.query().contains(k)).findFirst()
                .map(MESSAGES::get).orElse("");
        m.put("message", message);
        m.put("error", req.query().contains("failed") || req.query().contains("stale") || req.query().contains("sso"));
        views.send(res, 200, "login", m);
    }
}
