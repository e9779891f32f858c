package dev.telltale.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sessions, held in memory as hashes of their ids: a fresh random id at every login (a
 * session id a browser brings that this appliance did not issue is worth nothing, so fixation
 * fails), an idle and an absolute lifetime, a CSRF token per session, and server-side logout.
 */
public final class Sessions {
    static final String PREFIX = "tt_ses_";

    /** A live session as the server sees it. {@link #toString} hides the CSRF token. */
    public record Session(User user, String csrfToken, Instant createdAt, Instant lastSeen) {
        @Override
        public String toString() {
            return "Session[user=" + user.username() + ", createdAt=" + createdAt + ", lastSeen=" + lastSeen + "]";
        }
    }

    /** A new session's id (for the cookie) and its state. */
    public record Started(String id, Session session) {
        @Override
        public String toString() {
            return "Started[id=(hidden), session=" + session + "]";
        }
    }

    private final Clock clock;
    private final Duration idle;
    private final Duration absolute;
    private final Map<String, Session> byHash = new ConcurrentHashMap<>();

    public Sessions(Clock clock, Duration idle, Duration absolute) {
        if (idle.isNegative() || idle.isZero() || absolute.compareTo(idle) < 0) {
            throw new IllegalArgumentException("session lifetimes must be positive, the absolute one at least the idle one");
        }
        this.clock = clock;
        this.idle = idle;
        this.absolute = absolute;
    }

    /** Starts a session for a user who just proved who they are. */
    public Started start(User user) {
        Instant now = clock.instant();
        byHash.values().removeIf(s -> expired(s, now));
        String id = Tokens.newToken(PREFIX);
        Session s = new Session(user, Tokens.newToken("csrf_"), now, now);
        byHash.put(Tokens.sha256Hex(id), s);
        return new Started(id, s);
    }

    /** The live session of a cookie value, its idle clock reset; empty for anything else. */
    public Optional<Session> touch(String id) {
        if (id == null || !id.startsWith(PREFIX) || id.length() > 100) {
            return Optional.empty();
        }
        String hash = Tokens.sha256Hex(id);
        Session s = byHash.get(hash);
        if (s == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (expired(s, now)) {
            byHash.remove(hash, s);
            return Optional.empty();
        }
        Session fresh = new Session(s.user(), s.csrfToken(), s.createdAt(), now);
        byHash.replace(hash, s, fresh);
        return Optional.of(fresh);
    }

    /** Ends a session (logout); unknown ids are ignored. */
    public void end(String id) {
        if (id != null && id.startsWith(PREFIX)) {
            byHash.remove(Tokens.sha256Hex(id));
        }
    }

    /** Ends every session of a user (password change, removal). */
    public void endAll(long userId) {
        byHash.values().removeIf(s -> s.user().id() == userId);
    }

    private boolean expired(Session s, Instant now) {
        return !now.isBefore(s.lastSeen().plus(idle)) || !now.isBefore(s.createdAt().plus(absolute));
    }
}
