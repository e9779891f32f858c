package dev.telltale.api;

import dev.telltale.auth.User;
import dev.telltale.auth.Users;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import dev.telltale.auth.Sessions;
import java.util.Arrays;
import java.util.Optional;
import dev.telltale.ui.Form;
import dev.telltale.ui.Redirects;

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

    /**
     * A form (the sign-in page) must carry the token of the page's pre-session cookie, and a
     * failure goes back to the page with a message; a JSON body (scripts) gets problem answers.
     */
    private void login(ServerRequest req, ServerResponse res) {
        var body = TokenRequest.read(req);
        boolean form = body.has(Form.CSRF_FIELD) || req.headers().contentType()
                .map(t -> t.mediaType().text().equals("application/x-www-form-urlencoded")).orElse(false);
        String next = Redirects.local(body.path("next").asText("/"));
        if (form && !Form.sameToken(body.path(Form.CSRF_FIELD).asText(""),
                req.headers().cookies().first(Form.LOGIN_COOKIE).orElse(""))) {
            res.header(HeaderNames.LOCATION, Redirects.login(next, "stale"));
            res.status(Status.SEE_OTHER_303).send();
            return;
        }
        char[] password = (form ? body.path("password").asText("") : Json.text(body, "password")).toCharArray();
        try {
            Optional<User> user = users.authenticate(form ? body.path("username").asText("") : Json.text(body, "username"),
                    password);
            if (user.isEmpty() && form) {
                res.header(HeaderNames.LOCATION, Redirects.login(next, "failed"));
                res.status(Status.SEE_OTHER_303).send();
                return;
            }
            User u = user.orElseThrow(() -> ApiProblem.unauthorized("unknown user, wrong password or account locked"));
            cookies.signIn(req, res, u);
            res.headers().add(HeaderNames.SET_COOKIE, Form.LOGIN_COOKIE + "=; Path=/login; Max-Age=0; Secure; HttpOnly; SameSite=Strict");
            res.header(HeaderNames.LOCATION, u.mustChangePassword() ? "/account/password" : next);
            res.status(Status.SEE_OTHER_303).send();
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    /** Signing out is a state change: a form sends the CSRF field, a script the header. */
    private void logout(ServerRequest req, ServerResponse res) {
        Optional<Sessions.Session> session = req.context().get(Sessions.Session.class);
        Optional<String> header = req.headers().first(Principal.CSRF);
        if (session.isEmpty()) {
            // Signed in with a bearer token: there is no session to end.
            Json.send(res, Json.object().put("signed_out", false));
            return;
        }
        if (header.isPresent()) {
            if (!Form.sameToken(header.get(), session.get().csrfToken())) {
                throw ApiProblem.forbidden("missing or wrong CSRF token (send it as X-CSRF-Token)");
            }
        } else {
            Form.read(req);
        }
        cookies.signOut(req, res);
        res.header(HeaderNames.LOCATION, "/login?out");
        res.status(Status.SEE_OTHER_303).send();
    }
}
