package dev.telltale.api;

import dev.telltale.auth.ApiTokens;
import dev.telltale.auth.User;
import dev.telltale.auth.Users;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** {@code POST /api/v1/auth/token}: user name and password for a short-lived bearer token. */
final class AuthApi implements HttpService {
    private final Users users;
    private final ApiTokens tokens;

    AuthApi(Users users, ApiTokens tokens) {
        this.users = users;
        this.tokens = tokens;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/token", this::token);
    }

    private void token(ServerRequest req, ServerResponse res) {
        var body = Json.body(req);
        String username = Json.text(body, "username");
        char[] password = Json.text(body, "password").toCharArray();
        User user = users.authenticate(username, password)
                .orElseThrow(() -> ApiProblem.unauthorized("unknown user, wrong password or account locked"));
        java.util.Arrays.fill(password, '\0');
        ApiTokens.IssuedToken t = tokens.issue(user);
        Json.send(res, Json.object()
                .put("access_token", t.accessToken())
                .put("token_type", "Bearer")
                .put("expires_in", t.expiresIn().toSeconds())
                .put("password_change_required", user.mustChangePassword()));
    }
}
