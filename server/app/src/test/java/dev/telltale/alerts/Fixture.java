package dev.telltale.alerts;

import dev.telltale.agents.Agents;
import dev.telltale.auth.RunTokenGrant;
import dev.telltale.db.Database;
import dev.telltale.db.Sql;
import dev.telltale.policy.Finding;
import dev.telltale.policy.Severity;
import dev.telltale.store.Scope;
import dev.telltale.testing.MutableClock;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** A real Derby database with alerts, agents and a clock the test moves. */
final class Fixture implements AutoCloseable {
    static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
    final Database db;
    final MutableClock clock = new MutableClock(T0);
    final Alerts alerts;
    final long team;
    private final Agents agents;
    private final AtomicLong uids = new AtomicLong(1000);

    Fixture(Path dir) {
        db = Database.open(dir);
        alerts = Alerts.create(db, clock, AlertsConfig.defaults());
        agents = Agents.create(db, clock);
        team = Long.parseLong(column("SELECT id FROM teams WHERE name = 'default'").get(0));
    }

    /** A finding on app "shop" with the next event uid, at the clock's time. */
    Finding finding(String component, String version, String rule, String key, String host, Severity severity) {
        long uid = uids.incrementAndGet();
        return new Finding(team, "shop", component, version, host, rule, severity, key, "summary " + uid, uid,
                clock.instant(), 7, 42, "standard");
    }

    Finding finding(String component, String version, String key) {
        return finding(component, version, "files.credential-read", key, "host-1", Severity.P2);
    }

    void record(Finding... findings) {
        record(List.of(findings));
    }

    void record(List<Finding> findings) {
        Sql.inTransaction(db.dataSource(), c -> {
            alerts.record(c, findings);
            return null;
        });
    }

    /** An agent of the component's version says hello now (as at connect). */
    void agentRuns(String instance, String component, String version) {
        agents.register(new RunTokenGrant(1, team, "default"),
                new Agents.AgentIdentity(instance, "native", "0.1.0", "host-1", "shop", component, version));
    }

    Alerts.AlertDetail only() {
        List<Alerts.AlertSummary> all = alerts.list(query()).alerts();
        if (all.size() != 1) {
            throw new AssertionError("expected one alert, found " + all.size());
        }
        return alerts.get(all.get(0).id(), Scope.everything());
    }

    Alerts.Occurrence occurrence(Alerts.AlertDetail a, String version) {
        return a.occurrences().stream().filter(o -> o.version().equals(version)).findFirst().orElseThrow();
    }

    static Alerts.AlertQuery query() {
        return new Alerts.AlertQuery(java.util.Set.of(), java.util.Set.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), 500, Optional.empty(), Scope.everything());
    }

    /** Puts an occurrence in a state directly, as a test precondition (FIXED has no manual path). */
    void force(long occurrenceId, TriageState state) {
        Sql.inTransaction(db.dataSource(), c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE alert_occurrences SET state = ?, state_expires_at = ? WHERE id = ?")) {
                ps.setString(1, state.name());
                Sql.setInstant(ps, 2, state == TriageState.RISK_ACCEPTED
                        ? Optional.of(clock.instant().plusSeconds(86_400)) : Optional.empty());
                ps.setLong(3, occurrenceId);
                ps.executeUpdate();
            }
            return null;
        });
    }

    List<String> column(String sql) {
        return Sql.inTransaction(db.dataSource(), c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    long count(String table) {
        if (table.equals("alert_evidence")) { // one entry per finding, packed in chunks
            return Long.parseLong(column("SELECT COALESCE(SUM(entries), 0) FROM alert_evidence_chunks").get(0));
        }
        return Long.parseLong(column("SELECT COUNT(*) FROM " + table).get(0));
    }

    @Override
    public void close() {
        alerts.close();
        db.close();
    }
}
