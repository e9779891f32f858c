package dev.telltale.auth;

import dev.telltale.audit.Audit;
import dev.telltale.db.Sql;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;

/**
 * {@link RunTokens} in the {@code run_tokens} table with an in-memory index of active tokens
 * by hash. The index is authoritative for {@link #verify}; this must therefore be the only
 * instance over a given database in the process.
 */
final class DbRunTokens implements RunTokens {

    private static final System.Logger LOG = System.getLogger(DbRunTokens.class.getName());
    static final String PREFIX = "tt_run_";
    /** Enough of the random part to tell tokens apart in a list; 8 of 43 characters reveal 48 of 256 bits. */
    private static final int SHOWN_RANDOM_CHARS = 8;
    private static final int NAME_MAX = 100;
    private static final int ACTOR_MAX = 100;

    private final DataSource dataSource;
    private final Clock clock;
    private final Map<String, Active> activeByHash = new ConcurrentHashMap<>();
    private final List<LongConsumer> listeners = new CopyOnWriteArrayList<>();
    /** When a token was last seen by {@link #verify}, by token id; the database gets it at most once a grain. */
    private final Map<Long, Instant> lastUsed = new ConcurrentHashMap<>();
    /** How often a token's last use is written: agents reconnecting in a loop must not write at each attempt. */
    static final java.time.Duration LAST_USED_GRAIN = java.time.Duration.ofMinutes(1);
    /** Orders create and revoke so the index never re-adds a token revoked in between. */
    private final Object writeLock = new Object();

    private record Active(RunTokenGrant grant, Optional<Instant> expiresAt) {
    }

    DbRunTokens(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
        Sql.inTransaction(dataSource, c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT r.id, r.team_id, t.name AS team_name, r.token_hash, r.expires_at"
                            + " FROM run_tokens r JOIN teams t ON t.id = r.team_id WHERE r.revoked_at IS NULL")) {
                while (rs.next()) {
                    activeByHash.put(rs.getString("token_hash").trim(), new Active(
                            new RunTokenGrant(rs.getLong("id"), rs.getLong("team_id"), rs.getString("team_name")),
                            Sql.instant(rs, "expires_at")));
                }
            }
            return null;
        });
    }

    @Override
    public Optional<RunTokenGrant> verify(String token) {
        if (token == null || !token.startsWith(PREFIX)) {
            return Optional.empty();
        }
        Active a = activeByHash.get(Tokens.sha256Hex(token));
        if (a == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (a.expiresAt.filter(exp -> !now.isBefore(exp)).isPresent()) {
            return Optional.empty();
        }
        used(a.grant.tokenId(), now);
        return Optional.of(a.grant);
    }

    /** Records a use in memory and, at most once a grain per token, in the database on a virtual thread. */
    private void used(long tokenId, Instant now) {
        Instant before = lastUsed.get(tokenId);
        if (before != null && now.isBefore(before.plus(LAST_USED_GRAIN))) {
            return;
        }
        if (before == null ? lastUsed.putIfAbsent(tokenId, now) != null : !lastUsed.replace(tokenId, before, now)) {
            return; // another connection with the same token is writing it
        }
        Thread.ofVirtual().name("run-token-last-used").start(() -> {
            try {
                Sql.inTransaction(dataSource, c -> {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE run_tokens SET last_used_at = ? WHERE id = ?")) {
                        Sql.setInstant(ps, 1, now);
                        ps.setLong(2, tokenId);
                        return ps.executeUpdate();
                    }
                });
            } catch (RuntimeException e) {
                // Only a list column is lost; the connection itself is unaffected.
                LOG.log(System.Logger.Level.WARNING, "cannot record the last use of run token " + tokenId, e);
            }
        });
    }

    @Override
    public CreatedRunToken create(long teamId, String name, Optional<Instant> expiresAt, String createdBy) {
        String tokenName = requireText("name", name, NAME_MAX);
        String actor = requireText("createdBy", createdBy, ACTOR_MAX);
        Instant now = clock.instant();
        if (expiresAt.filter(exp -> !exp.isAfter(now)).isPresent()) {
            throw new IllegalArgumentException("expiresAt must be in the future, was " + expiresAt.get());
        }
        String token = Tokens.newToken(PREFIX);
        String hash = Tokens.sha256Hex(token);
        String prefix = token.substring(0, PREFIX.length() + SHOWN_RANDOM_CHARS);
        synchronized (writeLock) {
            RunTokenGrant grant = Sql.inTransaction(dataSource, c -> {
                String teamName = teamName(c, teamId);
                long id;
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO run_tokens (team_id, name, token_hash,"
                        + " prefix, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        Statement.RETURN_GENERATED_KEYS)) {
                    ps.setLong(1, teamId);
                    ps.setString(2, tokenName);
                    ps.setString(3, hash);
                    ps.setString(4, prefix);
                    Sql.setInstant(ps, 5, now);
                    ps.setString(6, actor);
                    Sql.setInstant(ps, 7, expiresAt);
                    ps.executeUpdate();
                    id = Sql.generatedId(ps);
                }
                Audit.record(c, now, actor, "run_token.create", "run_token:" + id,
                        Optional.of("team=" + teamName + " name=" + tokenName + " prefix=" + prefix
                                + expiresAt.map(e -> " expires=" + e).orElse("")));
                return new RunTokenGrant(id, teamId, teamName);
            });
            activeByHash.put(hash, new Active(grant, expiresAt));
            return new CreatedRunToken(grant.tokenId(), token, teamId, tokenName, now, expiresAt);
        }
    }

    @Override
    public List<RunTokenInfo> list() {
        return Sql.inTransaction(dataSource, c -> {
            List<RunTokenInfo> out = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT r.id, r.team_id, t.name AS team_name, r.name, r.prefix, r.created_at, r.expires_at,"
                            + " r.revoked_at, r.created_by, r.last_used_at FROM run_tokens r JOIN teams t ON t.id = r.team_id"
                            + " ORDER BY r.id")) {
                while (rs.next()) {
                    out.add(new RunTokenInfo(rs.getLong("id"), rs.getLong("team_id"), rs.getString("team_name"),
                            rs.getString("name"), rs.getString("prefix"), Sql.instant(rs, "created_at").orElseThrow(),
                            Sql.instant(rs, "expires_at"), Sql.instant(rs, "revoked_at"), rs.getString("created_by"),
                            lastUse(rs.getLong("id"), Sql.instant(rs, "last_used_at"))));
                }
            }
            return List.copyOf(out);
        });
    }

    /** The later of the stored last use and one seen since that is not written yet. */
    private Optional<Instant> lastUse(long tokenId, Optional<Instant> stored) {
        Optional<Instant> seen = Optional.ofNullable(lastUsed.get(tokenId));
        return stored.isEmpty() || seen.isPresent() && seen.get().isAfter(stored.get()) ? seen : stored;
    }

    @Override
    public boolean revoke(long tokenId, String revokedBy) {
        String actor = requireText("revokedBy", revokedBy, ACTOR_MAX);
        Instant now = clock.instant();
        boolean revoked;
        synchronized (writeLock) {
            revoked = Sql.inTransaction(dataSource, c -> {
                try (PreparedStatement ps = c.prepareStatement("UPDATE run_tokens SET revoked_at = ?, revoked_by = ?"
                        + " WHERE id = ? AND revoked_at IS NULL")) {
                    Sql.setInstant(ps, 1, now);
                    ps.setString(2, actor);
                    ps.setLong(3, tokenId);
                    if (ps.executeUpdate() == 0) {
                        return false;
                    }
                }
                Audit.record(c, now, actor, "run_token.revoke", "run_token:" + tokenId, Optional.empty());
                return true;
            });
            if (revoked) {
                activeByHash.values().removeIf(a -> a.grant.tokenId() == tokenId);
            }
        }
        if (revoked) {
            for (LongConsumer listener : listeners) {
                try {
                    listener.accept(tokenId);
                } catch (RuntimeException e) {
                    // One failing listener must not keep the others from closing sessions.
                    LOG.log(System.Logger.Level.WARNING, "run token revocation listener failed", e);
                }
            }
        }
        return revoked;
    }

    @Override
    public void onRevoke(LongConsumer listener) {
        listeners.add(listener);
    }

    private static String teamName(Connection c, long teamId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM teams WHERE id = ?")) {
            ps.setLong(1, teamId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalArgumentException("no team with id " + teamId);
                }
                return rs.getString(1);
            }
        }
    }

    private static String requireText(String what, String value, int max) {
        if (value == null || value.isBlank() || value.length() > max) {
            throw new IllegalArgumentException(what + " must be 1 to " + max + " characters");
        }
        return value.strip();
    }
}
