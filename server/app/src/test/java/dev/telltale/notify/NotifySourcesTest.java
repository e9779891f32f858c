package dev.telltale.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.agents.AppRefs;
import dev.telltale.db.Sql;
import dev.telltale.sca.Sca;
import dev.telltale.testing.HttpsReceiver;
import dev.telltale.testing.RunningAppliance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The event sources other than alerts: new vulnerabilities and agents gone quiet, each told once. */
class NotifySourcesTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;
    static RunningAppliance app;
    static HttpsReceiver receiver;
    static String token;
    static long team;

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpsReceiver.start(data.resolve("receiver"));
        app = RunningAppliance.start(data.resolve("appliance"), "telltale:\n  notify:\n    poll-interval: PT0.05S\n"
                + "    agent-gap: PT10M\n    agent-gap-check: PT0.1S\n    trusted-ca-file: " + receiver.caFile() + "\n");
        token = app.apiToken();
        team = Sql.inTransaction(app.appliance().database().dataSource(), c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM teams WHERE name = 'default'");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    @AfterAll
    static void stop() {
        app.close();
        receiver.close();
    }

    static void webhook(String path, String events) throws Exception {
        HttpResponse<String> r = app.post("/api/v1/integrations", "{\"type\":\"webhook\",\"name\":\"" + path
                + "\",\"url\":\"" + receiver.url(path) + "\",\"events\":" + events
                + ",\"secrets\":{\"secret\":\"sources-secret-0123456789\"}}", token);
        assertEquals(201, r.statusCode(), r.body());
    }

    static List<HttpsReceiver.Request> at(String path, int n) throws InterruptedException {
        return receiver.await(r -> r.path().equals(path), n, Duration.ofSeconds(20));
    }

    @Test
    void anAgentQuietForTheConfiguredTimeIsReportedOncePerGap() throws Exception {
        webhook("/gaps", "[\"agent_gap\"]");
        Instant quietSince = Instant.now().minus(Duration.ofHours(1));
        long agent = Sql.inTransaction(app.appliance().database().dataSource(), c -> {
            AppRefs refs = new AppRefs(c, quietSince);
            long a = refs.application(team, "shop");
            long comp = refs.component(a, "checkout");
            long v = refs.version(comp, "1.4.2");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO agents (team_id, instance, kind, agent_version,"
                    + " hostname, application_id, component_id, version_id, first_seen, last_seen)"
                    + " VALUES (?, 'i-1', 'java', '1.0', 'web-1', ?, ?, ?, ?, ?)", java.sql.Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, team);
                ps.setLong(2, a);
                ps.setLong(3, comp);
                ps.setLong(4, v);
                Sql.setInstant(ps, 5, quietSince);
                Sql.setInstant(ps, 6, quietSince);
                ps.executeUpdate();
                return Sql.generatedId(ps);
            }
        });
        JsonNode gap = JSON.readTree(at("/gaps", 1).get(0).body());
        assertEquals("agent_gap", gap.get("kind").asText());
        assertEquals("shop", gap.get("application").asText());
        assertEquals("web-1", gap.get("data").get("hostname").asText());
        assertEquals(agent, gap.get("data").get("agent_id").asLong());
        Thread.sleep(500);
        assertEquals(1, receiver.requests().stream().filter(r -> r.path().equals("/gaps")).count(), "once per gap");

        // It came back, then went quiet again: a new gap.
        Sql.inTransaction(app.appliance().database().dataSource(), c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE agents SET last_seen = ? WHERE id = ?")) {
                Sql.setInstant(ps, 1, Instant.now().minus(Duration.ofMinutes(20)));
                ps.setLong(2, agent);
                return ps.executeUpdate();
            }
        });
        assertEquals(2, at("/gaps", 2).size());
    }

    @Test
    void aNewVulnerabilityFindingIsToldToSubscribers() throws Exception {
        webhook("/vulns", "[\"new_vulnerability\"]");
        webhook("/alerts-only", "[\"new_alert\"]");
        Sca.VulnFinding f = new Sca.VulnFinding(0, team, "shop", "checkout", "1.4.2", "pkg:deb/debian/libssl3@3.0.11-1",
                "libssl3", "3.0.11-1", "Debian:12", "DSA-5621-1", List.of("CVE-2024-0727"), "OpenSSL issues",
                Optional.of(7.5), Optional.empty(), "HIGH", List.of("3.0.13-1"), true, false, Instant.now(), Instant.now(),
                dev.telltale.alerts.TriageState.REPORTED, Optional.empty());
        Sql.inTransaction(app.appliance().database().dataSource(), c -> {
            app.appliance().notifications().findingEvents().found(c, List.of(f));
            return null;
        });
        JsonNode v = JSON.readTree(at("/vulns", 1).get(0).body());
        assertEquals("new_vulnerability", v.get("kind").asText());
        assertEquals("DSA-5621-1", v.get("data").get("advisory_id").asText());
        assertEquals(7.5, v.get("data").get("cvss_score").asDouble());
        assertEquals("CVE-2024-0727", v.get("data").get("aliases").get(0).asText());
        Thread.sleep(300);
        assertEquals(0, receiver.requests().stream().filter(r -> r.path().equals("/alerts-only")).count(),
                "an integration gets only the kinds it subscribes to");
    }

    @Test
    void finishedDeliveriesAndTheirEventsArePrunedAfterTheRetentionPendingOnesStay() throws Exception {
        webhook("/prune", "[\"system\"]");
        long integration = JSON.readTree(app.get("/api/v1/integrations", token).body()).get("integrations")
                .findValues("id").stream().mapToLong(JsonNode::asLong).max().orElseThrow();
        Instant old = Instant.now().minus(Duration.ofDays(40));
        var ds = app.appliance().database().dataSource();
        long[] ids = Sql.inTransaction(ds, c -> {
            long done = Outbox.insert(c, EventKind.SYSTEM, Optional.empty(), Optional.empty(), old, Sources.system("a", "b"));
            long waiting = Outbox.insert(c, EventKind.SYSTEM, Optional.empty(), Optional.empty(), old, Sources.system("a", "b"));
            try (PreparedStatement ps = c.prepareStatement("UPDATE notify_events SET dispatched = TRUE WHERE id IN (?, ?)")) {
                ps.setLong(1, done);
                ps.setLong(2, waiting);
                ps.executeUpdate();
            }
            long d1 = Deliveries.insert(c, done, integration, old);
            long d2 = Deliveries.insert(c, waiting, integration, old.plus(Duration.ofDays(3650)));
            try (PreparedStatement ps = c.prepareStatement("UPDATE notify_deliveries SET status = 'DELIVERED' WHERE id = ?")) {
                ps.setLong(1, d1);
                ps.executeUpdate();
            }
            return new long[]{done, waiting, d1, d2};
        });
        // The running appliance prunes on its own schedule too, so either pass may be the one
        // that deletes; what must hold is the outcome.
        int pruned = Sql.inTransaction(ds, c -> Deliveries.prune(c, Instant.now().minus(Duration.ofDays(30))));
        assertTrue(pruned <= 1, "only the finished delivery is pruned: " + pruned);
        List<Long> left = Sql.inTransaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM notify_deliveries WHERE id IN (?, ?)")) {
                ps.setLong(1, ids[2]);
                ps.setLong(2, ids[3]);
                List<Long> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getLong(1));
                    }
                }
                return out;
            }
        });
        assertEquals(List.of(ids[3]), left, "the finished delivery went; the pending one stays");
        long events = Sql.inTransaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM notify_events WHERE id IN (?, ?)")) {
                ps.setLong(1, ids[0]);
                ps.setLong(2, ids[1]);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        assertEquals(1, events, "the delivered event went; the one still pending stays");
    }
}
