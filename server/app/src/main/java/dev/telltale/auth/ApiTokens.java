package dev.telltale.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Short-lived bearer tokens for the REST API. Tokens are random, kept in memory only as
 * hashes, and expire after the configured lifetime.
 */
public interface ApiTokens {

    /**
     * Tokens ({@code tt_api_} followed by 256 random bits, base64url) valid for {@code ttl}
     * as measured by {@code clock}; held in memory, so a restart invalidates them all.
     *
     * @throws IllegalArgumentException when {@code ttl} is not positive
     */
    static ApiTokens create(Clock clock, Duration ttl) {
        return new MemoryApiTokens(clock, ttl);
    }

    /** A new token for {@code user}, carrying the user as it is now, valid for the lifetime. */
    IssuedToken issue(User user);

    /** The user of a known, unexpired, unrevoked token; empty for anything else, including null. */
    Optional<User> verify(String bearer);

    /** Makes the token invalid at once; unknown tokens are ignored. */
    void revoke(String bearer);

    /** {@link #toString} leaves the token out so it cannot reach a log. */
    record IssuedToken(String accessToken, Duration expiresIn) {
        @Override
        public String toString() {
            return "IssuedToken[accessToken=(hidden), expiresIn=" + expiresIn + "]";
        }
    }
}
