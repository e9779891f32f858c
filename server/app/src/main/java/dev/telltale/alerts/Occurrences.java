package dev.telltale.alerts;

import dev.telltale.alerts.Grouping.Group;
import dev.telltale.alerts.Grouping.Version;
import dev.telltale.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Occurrences as findings arrive: counts onto existing ones (a FIXED one seen again reopens),
 * and new ones with the state carried over from the alert's latest other occurrence.
 */
final class Occurrences {
    static final String UPDATE = "UPDATE alert_occurrences SET " + Recorder.MERGE_SPAN + ", recorded_at = ?"
            + " WHERE alert_id = ? AND version_id = ?";

    private record Current(long id, TriageState state) {
    }

    private record Previous(long id, TriageState state, Optional<Instant> expiresAt, String version) {
    }

    private final Connection c;
    private final Instant now;
    private final AlertEvents events;

    Occurrences(Connection c, Instant now, AlertEvents events) {
        this.c = c;
        this.events = events;
        this.now = now;
    }

    /** Counts each version of an existing alert onto its occurrence, where it has one, and sets its id. */
    void update(Group g) throws SQLException {
        try (PreparedStatement up = c.prepareStatement(UPDATE)) {
            for (Version v : g.versions.values()) {
                bind(up, g, v);
                up.addBatch();
            }
            up.executeBatch();
        }
        // Read back after the update: the updated rows are locked by us, so their states are current.
        Map<Long, Current> byVersion = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, version_id, state FROM alert_occurrences WHERE alert_id = ?")) {
            ps.setLong(1, g.alertId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byVersion.put(rs.getLong(2), new Current(rs.getLong(1), TriageState.valueOf(rs.getString(3))));
                }
            }
        }
        for (Map.Entry<String, Version> e : g.versions.entrySet()) {
            Current cur = byVersion.get(e.getValue().versionId);
            if (cur != null) {
                e.getValue().occurrenceId = cur.id;
                if (cur.state == TriageState.FIXED) {
                    reopen(cur.id, e.getKey());
                }
            }
        }
    }

    private void bind(PreparedStatement up, Group g, Version v) throws SQLException {
        int i = Recorder.bindSpan(up, 1, v);
        Sql.setInstant(up, i++, now);
        up.setLong(i++, g.alertId);
        up.setLong(i, v.versionId);
    }

    private void reopen(long id, String version) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE alert_occurrences SET state = 'REPORTED', state_expires_at = NULL WHERE id = ?")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
        History.system(c, events, id, now, Optional.of(TriageState.FIXED), TriageState.REPORTED, Optional.empty(),
                "seen again in version " + version + " after it was fixed");
    }

    /** Creates the occurrence of a version new to the alert, inheriting what carries over. */
    void create(Group g, String version, Version v) throws SQLException {
        Optional<Previous> prev = previous(g.alertId);
        TriageState state = TriageState.REPORTED;
        Optional<Instant> expires = Optional.empty();
        Optional<Long> carried = Optional.empty();
        String why = "first seen in version " + version;
        if (prev.isPresent()) {
            Previous p = prev.get();
            boolean expired = p.expiresAt.map(x -> !x.isAfter(now)).orElse(false);
            if (p.state.carriesOver() && !expired) {
                state = p.state;
                expires = p.expiresAt;
                carried = Optional.of(p.id);
                why = "carried over from version " + p.version;
            } else if (p.state == TriageState.FIXED) {
                why = "regression: seen in version " + version + " after version " + p.version + " was fixed";
            } else if (expired) {
                why += "; the risk acceptance of version " + p.version + " has expired";
            }
        }
        Savepoint sp = c.setSavepoint();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_occurrences (alert_id, version_id, state,"
                + " state_expires_at, event_count, first_seen, last_seen, recorded_at, carried_from)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setLong(1, g.alertId);
            ps.setLong(2, v.versionId);
            ps.setString(3, state.name());
            Sql.setInstant(ps, 4, expires);
            ps.setLong(5, v.count);
            Sql.setInstant(ps, 6, v.first);
            Sql.setInstant(ps, 7, v.last);
            Sql.setInstant(ps, 8, now);
            if (carried.isPresent()) {
                ps.setLong(9, carried.get());
            } else {
                ps.setNull(9, Types.BIGINT);
            }
            ps.executeUpdate();
            v.occurrenceId = Sql.generatedId(ps);
            c.releaseSavepoint(sp);
        } catch (SQLException e) {
            if (!Sql.isDuplicateKey(e)) {
                throw e;
            }
            // A concurrent batch created it first: count onto theirs like any existing occurrence.
            c.rollback(sp);
            Group only = new Group(g.key);
            only.alertId = g.alertId;
            only.versions.put(version, v);
            update(only);
            return;
        }
        History.system(c, events, v.occurrenceId, now, Optional.empty(), state, expires, why);
    }

    /** The alert's most recently created occurrence: the version that appeared last. */
    private Optional<Previous> previous(long alertId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT o.id, o.state, o.state_expires_at, v.version"
                + " FROM alert_occurrences o JOIN component_versions v ON v.id = o.version_id"
                + " WHERE o.alert_id = ? ORDER BY o.id DESC FETCH FIRST 1 ROWS ONLY")) {
            ps.setLong(1, alertId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Previous(rs.getLong(1), TriageState.valueOf(rs.getString(2)),
                        Sql.instant(rs, "state_expires_at"), rs.getString(4)));
            }
        }
    }
}
