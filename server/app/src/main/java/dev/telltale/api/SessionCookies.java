package dev.telltale.api;

import dev.telltale.auth.Sessions;
import dev.telltale.auth.User;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Duration;

/**
 * The browser session cookie ({@value #NAME}), set the same way by every sign-in (password or
 * single sign-on): a fresh session id, {@code Path=/; Secure; HttpOnly; SameSite=Strict}, living as
 * long as the session's absolute lifetime.
 */
final class SessionCookies {
    static final String NAME = "tt_session";
    private final Sessions sessions;
    private final Duration absolute;

    SessionCookies(Sessions sessions, Duration absolute) {
        this.sessions = sessions;
        this.absolute = absolute;
    }

    /**
     * Starts a session for {@code user} and adds its cookie to {@code res}. Whatever session the
     * browser brought ends: an id is never reused across a sign-in (fixation).
     */
    void signIn(ServerRequest req, ServerResponse res, User user) {
        req.headers().cookies().first(NAME).ifPresent(sessions::end);
        Sessions.Started s = sessions.start(user);
        res.headers().add(HeaderNames.SET_COOKIE, NAME + "=" + s.id() + "; Path=/; Max-Age=" + absolute.toSeconds()
                + "; Secure; HttpOnly; SameSite=Strict");
    }

    /** Ends the browser's session on the server and clears its cookie. */
    void signOut(ServerRequest req, ServerResponse res) {
        req.headers().cookies().first(NAME).ifPresent(sessions::end);
        res.headers().add(HeaderNames.SET_COOKIE, NAME + "=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict");
    }
}
