package dev.telltale.auth;

import dev.telltale.db.Database;

import java.time.Clock;
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

    /**
     * Run tokens stored in {@code db}; expiry is judged by {@code clock}. Loads the active
     * tokens at once. Create only one per database and process: {@link #verify} answers from
     * this instance's memory.
     *
     * @throws dev.telltale.db.DatabaseException when the tokens cannot be loaded
     */
    static RunTokens create(Database db, Clock clock) {
        return new DbRunTokens(db.dataSource(), clock);
    }

    /**
     * The grant of a valid, unrevoked, unexpired token; empty otherwise. Never blocks (the token's
     * last use is written to the database on another thread).
     */
    Optional<RunTokenGrant> verify(String token);

    /**
     * Creates a token ({@code tt_run_} followed by 256 random bits, base64url) for a team and
     * audits it. The clear token is only in the result; the database keeps its SHA-256.
     *
     * @throws IllegalArgumentException when the team does not exist, {@code name} or
     *                                  {@code createdBy} is blank or over 100 characters, or
     *                                  {@code expiresAt} is not in the future
     * @throws dev.telltale.db.DatabaseException when the database fails
     */
    CreatedRunToken create(long teamId, String name, Optional<Instant> expiresAt, String createdBy);

    /**
     * Every token, revoked and expired ones included, oldest first. {@code prefix} is
     * {@code tt_run_} plus the first 8 random characters: enough to recognise a token, never
     * enough to use it.
     */
    List<RunTokenInfo> list();

    /**
     * Revokes a token, audits it, then calls the listeners; false when no such token exists or
     * it was already revoked. Verification fails from the moment this returns.
     *
     * @throws IllegalArgumentException when {@code revokedBy} is blank or over 100 characters
     */
    boolean revoke(long tokenId, String revokedBy);

    /**
     * Called with a token id whenever a token is revoked, on the revoking thread, after the
     * revocation is committed. A listener that throws is logged and does not stop the others.
     */
    void onRevoke(LongConsumer listener);

    /** The only place the clear token exists; {@link #toString} leaves it out so it cannot reach a log. */
    record CreatedRunToken(long id, String token, long teamId, String name, Instant createdAt,
                           Optional<Instant> expiresAt) {
        @Override
        public String toString() {
            return "CreatedRunToken[id=" + id + ", token=(hidden), teamId=" + teamId + ", name=" + name
                    + ", createdAt=" + createdAt + ", expiresAt=" + expiresAt + "]";
        }
    }

    /**
     * A token as lists show it. {@code lastUsedAt} is when an agent last connected with it, to
     * within {@link DbRunTokens#LAST_USED_GRAIN} (empty: never).
     */
    record RunTokenInfo(long id, long teamId, String teamName, String name, String prefix, Instant createdAt,
                        Optional<Instant> expiresAt, Optional<Instant> revokedAt, String createdBy,
                        Optional<Instant> lastUsedAt) {
    }
}
