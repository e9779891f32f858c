package dev.telltale.agents;

import dev.telltale.auth.RunTokenGrant;
import dev.telltale.db.Database;
import dev.telltale.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DbAgentsTest {

    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");

    @TempDir
    Path data;
    private Database db;
    private final MutableClock clock = new MutableClock(T0);
    private Agents agents;
    private RunTokenGrant grant;

    @BeforeEach
    void open() throws SQLException {
        db = Database.open(data);
        agents = Agents.create(db, clock);
        grant = new RunTokenGrant(1, teamId("default"), "default");
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static Agents.AgentIdentity identity(String instance, String app, String component, String version) {
        return new Agents.AgentIdentity(instance, "native", "0.1.0", "host-1", app, component, version);
    }

    @Test
    void registeringAgainReturnsTheSameRowsAndUpdatesTheAgent() throws SQLException {
        Agents.AgentRecord first = agents.register(grant, identity("i-1", "shop", "checkout", "1.4.2"));
        assertEquals(grant.teamId(), first.teamId());
        assertEquals("default", first.teamName());
        clock.advance(Duration.ofMinutes(5));
        assertEquals(first, agents.register(grant, identity("i-1", "shop", "checkout", "1.4.2")));

        clock.advance(Duration.ofMinutes(5));
        Agents.AgentRecord upgraded = agents.register(grant,
                new Agents.AgentIdentity("i-1", "java", "0.2.0", "host-2", "shop", "checkout", "1.4.3"));
        assertEquals(first.agentId(), upgraded.agentId());
        assertEquals(first.applicationId(), upgraded.applicationId());
        assertEquals(first.componentId(), upgraded.componentId());
        assertNotEquals(first.versionId(), upgraded.versionId());

        assertEquals(List.of("java|0.2.0|host-2|2026-06-01 10:00:00.0|2026-06-01 10:10:00.0"), column(
                "SELECT kind || '|' || agent_version || '|' || hostname || '|' || CAST(first_seen AS VARCHAR(30))"
                        + " || '|' || CAST(last_seen AS VARCHAR(30)) FROM agents"));
        assertEquals(List.of("1.4.2", "1.4.3"), column("SELECT version FROM component_versions ORDER BY id"));

        clock.advance(Duration.ofHours(2)); // a connected agent streaming for hours is still seen
        agents.seen(first.agentId());
        agents.seen(999_999);
        assertEquals(List.of("2026-06-01 12:10:00.0"), column("SELECT CAST(last_seen AS VARCHAR(30)) FROM agents"));
    }

    @Test
    void theSameInstanceNameInAnotherTeamIsAnotherAgent() throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO teams (organisation_id, name) SELECT id, 'blue' FROM organisations")) {
            ps.executeUpdate();
        }
        RunTokenGrant blue = new RunTokenGrant(2, teamId("blue"), "blue");
        Agents.AgentRecord a = agents.register(grant, identity("i-1", "shop", "checkout", "1"));
        Agents.AgentRecord b = agents.register(blue, identity("i-1", "shop", "checkout", "1"));
        assertNotEquals(a.agentId(), b.agentId());
        assertNotEquals(a.applicationId(), b.applicationId(), "applications belong to a team");
    }

    @Test
    void concurrentRegistrationsOfTheSameNamesShareOneRowEach() throws Exception {
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 25; round++) {
                String app = "app-" + round;
                CyclicBarrier start = new CyclicBarrier(threads);
                List<Future<Agents.AgentRecord>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    // Half register the same instance, half their own: both parents and agent rows race.
                    String instance = t % 2 == 0 ? "shared-" + round : "own-" + round + "-" + t;
                    results.add(pool.submit(() -> {
                        start.await(10, TimeUnit.SECONDS);
                        return agents.register(grant, identity(instance, app, "api", "1.0"));
                    }));
                }
                List<Agents.AgentRecord> records = new ArrayList<>();
                for (Future<Agents.AgentRecord> f : results) {
                    records.add(f.get(60, TimeUnit.SECONDS));
                }
                for (Agents.AgentRecord r : records) {
                    assertEquals(records.get(0).applicationId(), r.applicationId());
                    assertEquals(records.get(0).componentId(), r.componentId());
                    assertEquals(records.get(0).versionId(), r.versionId());
                }
                assertEquals(records.get(0).agentId(), records.get(2).agentId(), "same instance, same agent");
                assertNotEquals(records.get(1).agentId(), records.get(3).agentId());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of("25"), column("SELECT COUNT(*) FROM applications"));
        assertEquals(List.of("25"), column("SELECT COUNT(*) FROM components"));
        assertEquals(List.of("25"), column("SELECT COUNT(*) FROM component_versions"));
        assertEquals(List.of("75"), column("SELECT COUNT(*) FROM agents"));
    }

    @Test
    void aBlankOrOverlongFieldIsTheSendersError() {
        assertThrows(IllegalArgumentException.class, () -> agents.register(grant, identity(" ", "shop", "c", "1")));
        assertThrows(IllegalArgumentException.class,
                () -> agents.register(grant, identity("i-1", "shop", "c", "1".repeat(101))));
    }

    private long teamId(String name) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM teams WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private List<String> column(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
