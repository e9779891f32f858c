package dev.telltale.alerts;

import dev.telltale.alerts.Grouping.Group;
import dev.telltale.alerts.Grouping.Version;
import dev.telltale.db.Sql;
import dev.telltale.policy.Finding;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code alert_evidence}: one row per finding, written in JDBC batches, read newest first in pages. */
final class EvidenceRows {
    private EvidenceRows() {
    }

    static void insert(Connection c, List<Group> groups, int batch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_evidence (alert_id, occurrence_id,"
                + " event_uid, event_time, hostname, agent_id, pid, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            int pending = 0;
            for (Group g : groups) {
                for (Version v : g.versions.values()) {
                    for (Finding f : v.findings) {
                        ps.setLong(1, g.alertId);
                        ps.setLong(2, v.occurrenceId);
                        ps.setLong(3, f.eventUid());
                        Sql.setInstant(ps, 4, f.eventTime());
                        ps.setString(5, Grouping.host(f));
                        ps.setLong(6, f.agentId());
                        ps.setLong(7, f.pid());
                        ps.setString(8, f.summary());
                        ps.addBatch();
                        if (++pending == batch) {
                            ps.executeBatch();
                            pending = 0;
                        }
                    }
                }
            }
            if (pending > 0) {
                ps.executeBatch();
            }
        }
    }

    static Alerts.EvidencePage page(Connection c, long alertId, Optional<Long> occurrenceId, int limit,
                                    Optional<PageCursor> after) throws SQLException {
        Where w = new Where(new StringBuilder("SELECT e.id, e.occurrence_id, v.version, e.event_uid, e.event_time,"
                + " e.hostname, e.agent_id, e.pid, e.summary FROM alert_evidence e"
                + " JOIN alert_occurrences o ON o.id = e.occurrence_id JOIN component_versions v ON v.id = o.version_id"
                + " WHERE 1 = 1"));
        // One equality only, so that the matching (…, event_time DESC, id DESC) index serves the order.
        if (occurrenceId.isPresent()) {
            w.and("e.occurrence_id = ?", occurrenceId.get());
        } else {
            w.and("e.alert_id = ?", alertId);
        }
        after.ifPresent(a -> w.and("(e.event_time < ? OR (e.event_time = ? AND e.id < ?))", a.time(), a.time(), a.id()));
        w.sql.append(" ORDER BY e.event_time DESC, e.id DESC");
        List<Alerts.Evidence> rows = new ArrayList<>();
        try (PreparedStatement ps = w.prepare(c)) {
            ps.setMaxRows(limit + 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Alerts.Evidence(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4),
                            Sql.instant(rs, "event_time").orElseThrow(), rs.getString(6), rs.getLong(7), rs.getLong(8),
                            rs.getString(9)));
                }
            }
        }
        if (rows.size() <= limit) {
            return new Alerts.EvidencePage(rows, Optional.empty());
        }
        Alerts.Evidence last = rows.get(limit - 1);
        return new Alerts.EvidencePage(List.copyOf(rows.subList(0, limit)),
                Optional.of(new PageCursor(last.eventTime(), last.id()).encode()));
    }
}
