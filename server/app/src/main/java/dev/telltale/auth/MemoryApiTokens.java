package dev.telltale.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link ApiTokens} held in memory only: a restart logs every API client out, which is
 * acceptable for tokens that live minutes. Each token carries a snapshot of its user taken
 * at issue time.
 */
final class MemoryApiTokens implements ApiTokens {

    static final String PREFIX = "tt_api_";

    private final Clock clock;
    private final Duration ttl;
    private final Map<String, Entry> byHash = new ConcurrentHashMap<>();

    private record Entry(User user, Instant expiresAt) {
    }

    MemoryApiTokens(Clock clock, Duration ttl) {
        if (ttl.isZero() || ttl.isNegative()) {
            throw new IllegalArgumentException("token lifetime must be positive, was " + ttl);
        }
        this.clock = clock;
        this.ttl = ttl;
    }

    @Override
    public IssuedToken issue(User user) {
        Instant now = clock.instant();
        // Issuing is rare next to verifying, so the full sweep for expired tokens happens here.
        byHash.values().removeIf(e -> !now.isBefore(e.expiresAt));
        String token = Tokens.newToken(PREFIX);
        byHash.put(Tokens.sha256Hex(token), new Entry(user, now.plus(ttl)));
        return new IssuedToken(token, ttl);
    }

    @Override
    public Optional<User> verify(String bearer) {
        if (bearer == null || !bearer.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String hash = Tokens.sha256Hex(bearer);
        Entry e = byHash.get(hash);
        if (e == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(e.expiresAt)) {
            byHash.remove(hash, e);
            return Optional.empty();
        }
        return Optional.of(e.user);
    }

    @Override
    public void revoke(String bearer) {
        if (bearer != null && bearer.startsWith(PREFIX)) {
            byHash.remove(Tokens.sha256Hex(bearer));
        }
    }

    /** Tokens currently held, expired or not; lets tests observe the purge. */
    int size() {
        return byHash.size();
    }
}
