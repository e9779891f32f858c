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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /**
     * A page newest first. The query touches alert_evidence alone so that Derby walks the
     * (…, event_time DESC, id DESC) index and stops after the page; joined to the occurrences it
     * chose to read every row of the alert and sort them. Versions are looked up afterwards.
     */
    static Alerts.EvidencePage page(Connection c, long alertId, Optional<Long> occurrenceId, int limit,
                                    Optional<PageCursor> after) throws SQLException {
        Where w = new Where(new StringBuilder("SELECT id, occurrence_id, event_uid, event_time, hostname, agent_id,"
                + " pid, summary FROM alert_evidence WHERE 1 = 1"));
        // One equality only, so that the matching index serves the order.
        if (occurrenceId.isPresent()) {
            w.and("occurrence_id = ?", occurrenceId.get());
        } else {
            w.and("alert_id = ?", alertId);
        }
        // The first condition gives the index scan its start; the second skips the rows up to the cursor.
        after.ifPresent(a -> w.and("event_time <= ? AND (event_time < ? OR id < ?)", a.time(), a.time(), a.id()));
        w.sql.append(" ORDER BY event_time DESC, id DESC");
        Map<Long, String> versions = versions(c, alertId);
        List<Alerts.Evidence> rows = new ArrayList<>();
        try (PreparedStatement ps = w.prepare(c)) {
            ps.setMaxRows(limit + 1);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Alerts.Evidence(rs.getLong(1), rs.getLong(2), versions.get(rs.getLong(2)),
                            rs.getLong(3), Sql.instant(rs, "event_time").orElseThrow(), rs.getString(5), rs.getLong(6),
                            rs.getLong(7), rs.getString(8)));
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

    private static Map<Long, String> versions(Connection c, long alertId) throws SQLException {
        Map<Long, String> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT o.id, v.version FROM alert_occurrences o"
                + " JOIN component_versions v ON v.id = o.version_id WHERE o.alert_id = ?")) {
            ps.setLong(1, alertId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), rs.getString(2));
                }
            }
        }
        return out;
    }
}
