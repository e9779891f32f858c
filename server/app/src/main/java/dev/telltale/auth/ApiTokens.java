package dev.telltale.auth;

import java.time.Duration;
import java.util.Optional;

/**
 * Short-lived bearer tokens for the REST API. Tokens are random, kept in memory only as
 * hashes, and expire after the configured lifetime.
 */
public interface ApiTokens {

    IssuedToken issue(User user);

    Optional<User> verify(String bearer);

    void revoke(String bearer);

    record IssuedToken(String accessToken, Duration expiresIn) {
    }
}
