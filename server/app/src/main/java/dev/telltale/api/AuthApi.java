package dev.telltale.api;

import dev.telltale.auth.ApiTokens;
import dev.telltale.auth.User;
import dev.telltale.auth.Users;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /api/v1/auth/token}: a short-lived bearer token for a user's name and password
 * ({@code grant_type=password}, the default) or an integration client's id and secret
 * ({@code grant_type=client_credentials}); JSON or form-encoded bodies.
 */
final class AuthApi implements HttpService {
    private final Users users;
    private final ApiTokens tokens;
    private final dev.telltale.rbac.ApiClients clients;

    AuthApi(Users users, ApiTokens tokens, dev.telltale.rbac.ApiClients clients) {
        this.users = users;
        this.tokens = tokens;
        this.clients = clients;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/token", this::token).delete("/token", this::revoke);
    }

    private void token(ServerRequest req, ServerResponse res) {
        var body = TokenRequest.read(req);
        String grant = Json.optionalText(body, "grant_type").orElse("password");
        if (grant.equals("client_credentials")) {
            clientToken(body, res);
            return;
        }
        if (!grant.equals("password")) {
            throw ApiProblem.badRequest("'grant_type' must be password or client_credentials");
        }
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

    /** Revokes the bearer token the request carries (logout for API clients and scripts). */
    private void revoke(ServerRequest req, ServerResponse res) {
        String header = req.headers().first(io.helidon.http.HeaderNames.AUTHORIZATION).orElse("");
        tokens.revoke(header.substring(Math.min(7, header.length())).trim());
        res.status(io.helidon.http.Status.NO_CONTENT_204).send();
    }

    /** The client_credentials grant: an integration client's id and secret for a token with its team role. */
    private void clientToken(com.fasterxml.jackson.databind.node.ObjectNode body, ServerResponse res) {
        var client = clients.authenticate(Json.text(body, "client_id"), Json.text(body, "client_secret"))
                .orElseThrow(() -> ApiProblem.unauthorized("unknown or revoked client, or wrong secret"));
        ApiTokens.IssuedToken t = tokens.issue(new User(-client.id(), "client:" + client.clientId(), false, false));
        Json.send(res, Json.object()
                .put("access_token", t.accessToken())
                .put("token_type", "Bearer")
                .put("expires_in", t.expiresIn().toSeconds()));
    }
}
