package dev.telltale.api;

import dev.telltale.auth.User;
import dev.telltale.auth.Users;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.util.Arrays;

/**
 * Browser sign-in: {@code POST /login} (form or JSON: username, password) starts a fresh session
 * and sets its cookie ({@code Secure; HttpOnly; SameSite=Strict}); {@code POST /logout} ends it on
 * the server and clears the cookie. Requests authenticated by the cookie that change state must
 * carry the session's CSRF token ({@code X-CSRF-Token}; see {@code GET /api/v1/me}).
 */
final class SessionsApi implements HttpService {
    private final Users users;
    private final SessionCookies cookies;

    SessionsApi(Users users, SessionCookies cookies) {
        this.users = users;
        this.cookies = cookies;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/login", this::login).post("/logout", this::logout);
    }

    private void login(ServerRequest req, ServerResponse res) {
        var body = TokenRequest.read(req);
        char[] password = Json.text(body, "password").toCharArray();
        try {
            User user = users.authenticate(Json.text(body, "username"), password)
                    .orElseThrow(() -> ApiProblem.unauthorized("unknown user, wrong password or account locked"));
            cookies.signIn(req, res, user);
            res.header(HeaderNames.LOCATION, user.mustChangePassword() ? "/account/password" : "/");
            res.status(Status.SEE_OTHER_303).send();
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private void logout(ServerRequest req, ServerResponse res) {
        cookies.signOut(req, res);
        res.header(HeaderNames.LOCATION, "/login");
        res.status(Status.SEE_OTHER_303).send();
    }
}
