package dev.telltale.alerts;

import dev.telltale.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The system's own transitions: expired risk acceptances reopen; occurrences a newer version
 * of their component has outgrown become FIXED. Each update re-checks its condition in its
 * WHERE clause, so a person's transition or a new finding committed meanwhile wins.
 */
final class Sweeper {
    /**
     * Open occurrences not recorded since the cutoff whose component has a newer version W that
     * was first seen before the cutoff, has no occurrence of the alert, and ran (an agent of W
     * was last seen) since the cutoff. An occurrence still being recorded stays open: its old
     * version still runs and still shows the alert, and closing it would only flap.
     */
    private static final String OUTGROWN = "SELECT o.id, o.state, w.version FROM alert_occurrences o"
            + " JOIN alerts a ON a.id = o.alert_id"
            + " JOIN component_versions v ON v.id = o.version_id"
            + " JOIN component_versions w ON w.component_id = a.component_id"
            + " WHERE o.state IN ('REPORTED', 'ACKNOWLEDGED', 'RISK_ACCEPTED') AND o.recorded_at < ?"
            + " AND (w.created_at > v.created_at OR (w.created_at = v.created_at AND w.id > v.id))"
            + " AND w.created_at <= ?"
            + " AND NOT EXISTS (SELECT 1 FROM alert_occurrences n WHERE n.alert_id = o.alert_id AND n.version_id = w.id)"
            + " AND EXISTS (SELECT 1 FROM agents g WHERE g.version_id = w.id AND g.last_seen >= ?)"
            + " ORDER BY o.id, w.created_at DESC, w.id DESC";

    private Sweeper() {
    }

    static int expire(Connection c, AlertEvents events, Instant now) throws SQLException {
        Map<Long, Instant> due = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT id, state_expires_at FROM alert_occurrences"
                + " WHERE state = 'RISK_ACCEPTED' AND state_expires_at <= ?")) {
            Sql.setInstant(ps, 1, now);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    due.put(rs.getLong(1), Sql.instant(rs, "state_expires_at").orElseThrow());
                }
            }
        }
        int changed = 0;
        try (PreparedStatement ps = c.prepareStatement("UPDATE alert_occurrences SET state = 'REPORTED',"
                + " state_expires_at = NULL WHERE id = ? AND state = 'RISK_ACCEPTED' AND state_expires_at <= ?")) {
            for (long id : due.keySet()) {
                ps.setLong(1, id);
                Sql.setInstant(ps, 2, now);
                if (ps.executeUpdate() > 0) {
                    History.system(c, events, id, now, Optional.of(TriageState.RISK_ACCEPTED), TriageState.REPORTED,
                            Optional.empty(), "risk acceptance expired");
                    changed++;
                }
            }
        }
        return changed;
    }

    private record Outgrown(TriageState state, String newer) {
    }

    static int fix(Connection c, AlertEvents events, Instant now, Duration fixedAfter) throws SQLException {
        Instant cutoff = now.minus(fixedAfter);
        Map<Long, Outgrown> due = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(OUTGROWN)) {
            Sql.setInstant(ps, 1, cutoff);
            Sql.setInstant(ps, 2, cutoff);
            Sql.setInstant(ps, 3, cutoff);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // The first row per occurrence names its newest outgrowing version.
                    due.putIfAbsent(rs.getLong(1), new Outgrown(TriageState.valueOf(rs.getString(2)), rs.getString(3)));
                }
            }
        }
        int changed = 0;
        try (PreparedStatement ps = c.prepareStatement("UPDATE alert_occurrences SET state = 'FIXED',"
                + " state_expires_at = NULL WHERE id = ? AND state = ? AND recorded_at < ?")) {
            for (Map.Entry<Long, Outgrown> e : due.entrySet()) {
                ps.setLong(1, e.getKey());
                ps.setString(2, e.getValue().state.name());
                Sql.setInstant(ps, 3, cutoff);
                if (ps.executeUpdate() > 0) {
                    History.system(c, events, e.getKey(), now, Optional.of(e.getValue().state), TriageState.FIXED,
                            Optional.empty(), "fixed: version " + e.getValue().newer + " has run for " + fixedAfter
                                    + " without it");
                    changed++;
                }
            }
        }
        return changed;
    }
}
