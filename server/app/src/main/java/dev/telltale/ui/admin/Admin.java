package dev.telltale.ui.admin;

import dev.telltale.auth.Sessions;
import dev.telltale.rbac.Access;
import dev.telltale.ui.UiException;
import io.helidon.webserver.http.ServerRequest;

import java.util.Map;
import java.util.Optional;

/** What the administration pages share: who is asking, path ids, and the fixed flash messages. */
final class Admin {
    private static final Map<String, String> DONE = Map.ofEntries(
            Map.entry("user-created", "The user was created. They must choose their own password when they first sign in."),
            Map.entry("team-created", "The team was created. Add its members below."),
            Map.entry("member-added", "The member was added."),
            Map.entry("member-changed", "The member's role was changed."),
            Map.entry("member-removed", "The member was removed from the team."),
            Map.entry("client-created", "The integration client was created."),
            Map.entry("client-revoked", "The integration client was revoked: its tokens stop working at once."));

    private Admin() {
    }

    static Access access(ServerRequest req) {
        return req.context().get(Access.class).orElseThrow(() -> new UiException(401, "Sign in first."));
    }

    /** The signed-in session; every administration page is reached with one. */
    static Sessions.Session session(ServerRequest req) {
        return req.context().get(Sessions.Session.class)
                .orElseThrow(() -> new UiException(403, "This page needs a signed-in browser session."));
    }

    /**
     * A numeric path parameter.
     *
     * @throws UiException 404 (with {@code what} in the message) when it is not a number
     */
    static long pathId(ServerRequest req, String name, String what) {
        try {
            return Long.parseLong(req.path().pathParameters().first(name).asOptional().orElse(""));
        } catch (NumberFormatException e) {
            throw new UiException(404, "There is no such " + what + ".");
        }
    }

    /** The fixed message for {@code ?done=...}, never the parameter's own text. */
    static String flash(ServerRequest req) {
        return req.query().first("done").asOptional().map(d -> DONE.getOrDefault(d, "")).orElse("");
    }

    static Optional<Long> number(String s) {
        try {
            return Optional.of(Long.parseLong(s.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** A service's message as a sentence for a field. */
    static String sentence(String s) {
        return s == null || s.isEmpty() ? "That did not work." : Character.toUpperCase(s.charAt(0)) + s.substring(1)
                + (s.endsWith(".") ? "" : ".");
    }
}
