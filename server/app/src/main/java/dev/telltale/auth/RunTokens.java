package dev.telltale.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Run tokens bind agents to a team. A token is shown once at creation and stored only as a
 * SHA-256 hash. {@link #verify} answers from memory (it is called on network threads and
 * never blocks on the database); revocation takes effect at once and is announced to
 * listeners so live agent sessions using the token can be closed.
 */
public interface RunTokens {

    /** The grant of a valid, unrevoked, unexpired token; empty otherwise. Never blocks. */
    Optional<RunTokenGrant> verify(String token);

    /** Creates a token for a team. The clear token is only in the result. */
    CreatedRunToken create(long teamId, String name, Optional<Instant> expiresAt, String createdBy);

    List<RunTokenInfo> list();

    /** Revokes a token; false when no such active token exists. */
    boolean revoke(long tokenId, String revokedBy);

    /** Called with a token id whenever a token is revoked. */
    void onRevoke(LongConsumer listener);

    record CreatedRunToken(long id, String token, long teamId, String name, Instant createdAt,
                           Optional<Instant> expiresAt) {
    }

    record RunTokenInfo(long id, long teamId, String teamName, String name, String prefix, Instant createdAt,
                        Optional<Instant> expiresAt, Optional<Instant> revokedAt, String createdBy) {
    }
}
