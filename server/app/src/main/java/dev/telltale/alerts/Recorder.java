package dev.telltale.alerts;

import dev.telltale.alerts.Grouping.Group;
import dev.telltale.alerts.Grouping.Tally;
import dev.telltale.alerts.Grouping.Version;
import dev.telltale.db.Sql;
import dev.telltale.policy.Finding;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@link Alerts#record}: folds a batch in memory ({@link Grouping}), then per alert one update
 * (or insert), per occurrence one update (new ones through {@link Occurrences#create}), per host
 * one update (or insert, {@link AlertHosts}), and the evidence as JDBC batches. Rows are updated before they are
 * read, so the state read back is locked by this transaction and cannot go stale before commit.
 */
final class Recorder {
    // CASTs: Derby cannot type a bare parameter in a CASE result.
    static final String MERGE_SPAN = "first_seen = CASE WHEN first_seen > CAST(? AS TIMESTAMP)"
            + " THEN CAST(? AS TIMESTAMP) ELSE first_seen END, last_seen = CASE WHEN last_seen < CAST(? AS TIMESTAMP)"
            + " THEN CAST(? AS TIMESTAMP) ELSE last_seen END, event_count = event_count + ?";
    private static final String UPDATE_ALERT = "UPDATE alerts SET severity = CASE WHEN severity > CAST(? AS CHAR(2))"
            + " THEN CAST(? AS CHAR(2)) ELSE severity END, " + MERGE_SPAN
            + " WHERE component_id = ? AND rule_id = ? AND key_hash = ?";

    private final Clock clock;
    private final AlertEvents events;

    Recorder(Clock clock, AlertEvents events) {
        this.clock = clock;
        this.events = events;
    }

    void record(Connection c, List<Finding> findings) throws SQLException {
        if (findings.isEmpty()) {
            return;
        }
        List<Group> groups = Grouping.of(findings);
        Instant now = clock.instant();
        dev.telltale.agents.AppRefs refs = new dev.telltale.agents.AppRefs(c, now);
        for (Group g : groups) {
            g.applicationId = refs.application(g.key.teamId(), g.key.application());
            g.componentId = refs.component(g.applicationId, g.key.component());
            for (Map.Entry<String, Version> v : g.versions.entrySet()) {
                v.getValue().versionId = refs.version(g.componentId, v.getKey());
            }
        }
        alerts(c, groups);
        occurrences(c, groups, now);
        AlertHosts.record(c, groups);
        EvidenceChunks.insert(c, groups);
    }

    /** Updates or creates each group's alert, setting {@code alertId} and {@code existed}. */
    private static void alerts(Connection c, List<Group> groups) throws SQLException {
        try (PreparedStatement up = c.prepareStatement(UPDATE_ALERT);
             PreparedStatement sel = c.prepareStatement(
                     "SELECT id FROM alerts WHERE component_id = ? AND rule_id = ? AND key_hash = ?")) {
            for (Group g : groups) {
                // Not there: insert; a concurrent batch may have inserted it meanwhile, then update after all.
                g.existed = updateAlert(up, g) || !insertAlert(c, g) && updateAlert(up, g);
                if (g.existed) {
                    sel.setLong(1, g.componentId);
                    sel.setString(2, g.key.ruleId());
                    sel.setString(3, g.keyHash);
                    try (ResultSet rs = sel.executeQuery()) {
                        if (!rs.next()) {
                            throw new SQLException("alert row missing after update");
                        }
                        g.alertId = rs.getLong(1);
                    }
                }
            }
        }
    }

    private static boolean updateAlert(PreparedStatement up, Group g) throws SQLException {
        up.setString(1, g.severity.name());
        up.setString(2, g.severity.name());
        int i = bindSpan(up, 3, g);
        up.setLong(i++, g.componentId);
        up.setString(i++, g.key.ruleId());
        up.setString(i, g.keyHash);
        return up.executeUpdate() > 0;
    }

    /** Inserts the alert; false when a concurrent batch created it first (then it is updated instead). */
    private static boolean insertAlert(Connection c, Group g) throws SQLException {
        Savepoint sp = c.setSavepoint();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO alerts (team_id, application_id, component_id,"
                + " rule_id, key_hash, alert_key, severity, first_seen, last_seen, event_count)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setLong(1, g.key.teamId());
            ps.setLong(2, g.applicationId);
            ps.setLong(3, g.componentId);
            ps.setString(4, g.key.ruleId());
            ps.setString(5, g.keyHash);
            ps.setString(6, g.key.key());
            ps.setString(7, g.severity.name());
            Sql.setInstant(ps, 8, g.first);
            Sql.setInstant(ps, 9, g.last);
            ps.setLong(10, g.count);
            ps.executeUpdate();
            g.alertId = Sql.generatedId(ps);
            c.releaseSavepoint(sp);
            return true;
        } catch (SQLException e) {
            if (!Sql.isDuplicateKey(e)) {
                throw e;
            }
            c.rollback(sp);
            return false;
        }
    }

    /** Binds first, first, last, last, count from {@code index}; returns the next index. */
    static int bindSpan(PreparedStatement ps, int index, Tally t) throws SQLException {
        Sql.setInstant(ps, index, t.first);
        Sql.setInstant(ps, index + 1, t.first);
        Sql.setInstant(ps, index + 2, t.last);
        Sql.setInstant(ps, index + 3, t.last);
        ps.setLong(index + 4, t.count);
        return index + 5;
    }

    private void occurrences(Connection c, List<Group> groups, Instant now) throws SQLException {
        Occurrences occ = new Occurrences(c, now, events);
        for (Group g : groups) {
            if (g.existed) {
                occ.update(g);
            }
        }
        for (Group g : groups) {
            for (Map.Entry<String, Version> e : g.versionsInOrder()) {
                if (e.getValue().occurrenceId == 0) {
                    occ.create(g, e.getKey(), e.getValue());
                }
            }
        }
    }
}
