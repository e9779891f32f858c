package dev.telltale.auth;

import dev.telltale.db.Database;
import dev.telltale.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DbRunTokensTest {

    private static final Instant T0 = Instant.parse("2026-04-01T08:00:00Z");

    @TempDir
    Path data;
    private Database db;
    private final MutableClock clock = new MutableClock(T0);
    private RunTokens tokens;
    private long defaultTeam;

    @BeforeEach
    void open() throws SQLException {
        db = Database.open(data);
        tokens = RunTokens.create(db, clock);
        defaultTeam = Long.parseLong(rows("SELECT id FROM teams WHERE name = 'default'").get(0).get(0));
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void aTokenVerifiesUntilRevokedAndListenersHearOfTheRevocation() {
        List<Long> revoked = new ArrayList<>();
        tokens.onRevoke(revoked::add);
        tokens.onRevoke(id -> {
            throw new IllegalStateException("a broken listener");
        });
        tokens.onRevoke(revoked::add);

        RunTokens.CreatedRunToken created = tokens.create(defaultTeam, "ci", Optional.empty(), "alice");
        assertTrue(created.token().matches("tt_run_[A-Za-z0-9_-]{43}"), created.token());
        RunTokenGrant grant = tokens.verify(created.token()).orElseThrow();
        assertEquals(new RunTokenGrant(created.id(), defaultTeam, "default"), grant);

        assertTrue(tokens.revoke(created.id(), "bob"));
        assertFalse(tokens.verify(created.token()).isPresent());
        assertEquals(List.of(created.id(), created.id()), revoked, "both working listeners called, despite the broken one");

        assertFalse(tokens.revoke(created.id(), "bob"), "already revoked");
        assertEquals(2, revoked.size(), "no second announcement");
    }

    @Test
    void aTokensLastUseIsListedAndStoredAtMostOnceAMinute() throws Exception {
        RunTokens.CreatedRunToken created = tokens.create(defaultTeam, "ci", Optional.empty(), "alice");
        assertTrue(tokens.list().get(0).lastUsedAt().isEmpty(), "never used yet");
        tokens.verify(created.token()).orElseThrow();
        assertEquals(Optional.of(T0), tokens.list().get(0).lastUsedAt());
        long deadline = System.currentTimeMillis() + 5_000;
        while (rows("SELECT last_used_at FROM run_tokens").get(0).get(0) == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(rows("SELECT last_used_at FROM run_tokens").get(0).get(0) != null, "written to the database");
        clock.advance(java.time.Duration.ofSeconds(30));
        tokens.verify(created.token()).orElseThrow();
        assertEquals(Optional.of(T0), tokens.list().get(0).lastUsedAt(), "within a minute: not again");
        clock.advance(java.time.Duration.ofSeconds(31));
        tokens.verify(created.token()).orElseThrow();
        assertEquals(Optional.of(T0.plusSeconds(61)), tokens.list().get(0).lastUsedAt());
    }

    @Test
    void otherTokensAndGarbageDoNotVerify() {
        RunTokens.CreatedRunToken a = tokens.create(defaultTeam, "a", Optional.empty(), "alice");
        RunTokens.CreatedRunToken b = tokens.create(defaultTeam, "b", Optional.empty(), "alice");
        tokens.revoke(a.id(), "alice");
        assertTrue(tokens.verify(b.token()).isPresent(), "revoking one token leaves the others alone");
        assertFalse(tokens.verify(b.token().substring(0, b.token().length() - 1)).isPresent());
        assertFalse(tokens.verify("tt_api_" + b.token().substring(7)).isPresent());
        assertFalse(tokens.verify(null).isPresent());
    }

    @Test
    void anExpiringTokenStopsAtItsExpiry() {
        RunTokens.CreatedRunToken t = tokens.create(defaultTeam, "short", Optional.of(T0.plus(Duration.ofHours(1))), "alice");
        clock.advance(Duration.ofMinutes(59));
        assertTrue(tokens.verify(t.token()).isPresent());
        clock.advance(Duration.ofMinutes(1));
        assertFalse(tokens.verify(t.token()).isPresent());
        assertThrows(IllegalArgumentException.class,
                () -> tokens.create(defaultTeam, "past", Optional.of(clock.instant()), "alice"));
    }

    @Test
    void tokensSurviveARestartAndRevocationsStayRevoked() {
        RunTokens.CreatedRunToken kept = tokens.create(defaultTeam, "kept", Optional.empty(), "alice");
        RunTokens.CreatedRunToken gone = tokens.create(defaultTeam, "gone", Optional.empty(), "alice");
        RunTokens.CreatedRunToken expiring = tokens.create(defaultTeam, "expiring",
                Optional.of(T0.plus(Duration.ofDays(1))), "alice");
        tokens.revoke(gone.id(), "alice");

        RunTokens reloaded = RunTokens.create(db, clock);
        assertTrue(reloaded.verify(kept.token()).isPresent());
        assertFalse(reloaded.verify(gone.token()).isPresent());
        assertTrue(reloaded.verify(expiring.token()).isPresent());
        clock.advance(Duration.ofDays(1));
        assertFalse(reloaded.verify(expiring.token()).isPresent(), "expiry survives the reload too");
    }

    @Test
    void theListShowsAPrefixButNeverTheToken() {
        RunTokens.CreatedRunToken t = tokens.create(defaultTeam, "ci", Optional.of(T0.plus(Duration.ofDays(30))), "alice");
        tokens.revoke(tokens.create(defaultTeam, "old", Optional.empty(), "alice").id(), "bob");

        List<RunTokens.RunTokenInfo> list = tokens.list();
        assertEquals(2, list.size());
        RunTokens.RunTokenInfo info = list.get(0);
        assertEquals(t.id(), info.id());
        assertEquals("default", info.teamName());
        assertEquals("ci", info.name());
        assertEquals("alice", info.createdBy());
        assertEquals(T0, info.createdAt());
        assertEquals(Optional.of(T0.plus(Duration.ofDays(30))), info.expiresAt());
        assertEquals(Optional.empty(), info.revokedAt());
        assertEquals(t.token().substring(0, 15), info.prefix(), "tt_run_ and 8 characters of the random part");
        assertFalse(info.toString().contains(t.token()));
        assertEquals(Optional.of(T0), list.get(1).revokedAt());
        assertFalse(t.toString().contains(t.token()), "the creation result does not print its token");
    }

    @Test
    void theDatabaseHoldsOnlyTheHash() throws Exception {
        RunTokens.CreatedRunToken t = tokens.create(defaultTeam, "ci", Optional.empty(), "alice");
        tokens.revoke(t.id(), "bob");
        String secretPart = t.token().substring(15); // everything beyond the listed prefix
        String expectedHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(t.token().getBytes(StandardCharsets.UTF_8)));

        List<List<String>> tokenRows = rows("SELECT * FROM run_tokens");
        assertEquals(1, tokenRows.size());
        assertTrue(tokenRows.get(0).contains(expectedHash));
        List<List<String>> auditRows = rows("SELECT * FROM audit_log WHERE action LIKE 'run_token.%' ORDER BY id");
        assertEquals(2, auditRows.size(), "creation and revocation are audited");
        assertTrue(auditRows.get(0).contains("alice") && auditRows.get(1).contains("bob"));
        for (List<List<String>> table : List.of(tokenRows, auditRows)) {
            for (List<String> row : table) {
                for (String value : row) {
                    assertFalse(value != null && value.contains(secretPart), "clear token found in " + row);
                }
            }
        }
    }

    @Test
    void aTokenForAMissingTeamIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> tokens.create(9999, "x", Optional.empty(), "alice"));
        assertThrows(IllegalArgumentException.class, () -> tokens.create(defaultTeam, " ", Optional.empty(), "alice"));
        assertEquals(List.of(), tokens.list());
    }

    private List<List<String>> rows(String sql) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                out.add(row);
            }
        }
        return out;
    }
}
