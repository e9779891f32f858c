package dev.telltale.ui.admin;

import dev.telltale.auth.Tokens;
import dev.telltale.ui.Form;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Secrets shown once: a new integration client's secret or a generated initial password is
 * kept in memory under a random key only until the page after the redirect shows it (at most
 * a few minutes), and only to the session that created it. Reloading that page shows nothing,
 * and nothing is stored anywhere else.
 */
final class OneTimeSecrets {
    private static final Duration LIFETIME = Duration.ofMinutes(5);
    private static final int MAX_HELD = 1000;

    /** What the page shows: whose secret, an identifier (client id, user name) and the secret. */
    record Secret(String label, String identifier, String value) {
        @Override
        public String toString() {
            return "Secret[" + label + ", " + identifier + ", (hidden)]";
        }
    }

    private record Held(String owner, Secret secret, Instant until) {
    }

    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final Clock clock;

    OneTimeSecrets(Clock clock) {
        this.clock = clock;
    }

    /** Keeps {@code secret} for the session with CSRF token {@code owner}; returns the key to fetch it with. */
    String put(String owner, Secret secret) {
        Instant now = clock.instant();
        held.values().removeIf(h -> h.until().isBefore(now));
        if (held.size() >= MAX_HELD) {
            held.clear(); // a flood of creations; the secrets are lost and the admins create again
        }
        String key = Tokens.newToken("");
        held.put(key, new Held(owner, secret, now.plus(LIFETIME)));
        return key;
    }

    /** The secret under {@code key} once, if it is this session's and still fresh; it is gone afterwards. */
    Optional<Secret> take(String key, String owner) {
        Held h = held.get(key);
        if (h == null || !Form.sameToken(owner, h.owner())) {
            return Optional.empty();
        }
        held.remove(key);
        return h.until().isBefore(clock.instant()) ? Optional.empty() : Optional.of(h.secret());
    }
}
