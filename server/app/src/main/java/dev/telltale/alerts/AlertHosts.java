package dev.telltale.alerts;

import dev.telltale.alerts.Grouping.Group;
import dev.telltale.alerts.Grouping.Tally;
import dev.telltale.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;

/** {@code alert_hosts}: per alert and host, the count and time span, updated in batches. */
final class AlertHosts {
    private static final String UPDATE = "UPDATE alert_hosts SET " + Recorder.MERGE_SPAN
            + " WHERE alert_id = ? AND hostname = ?";

    private AlertHosts() {
    }

    private record NewHost(Group group, String host, Tally tally) {
    }

    static void record(Connection c, List<Group> groups) throws SQLException {
        List<NewHost> missing = new ArrayList<>();
        try (PreparedStatement up = c.prepareStatement(UPDATE)) {
            for (Group g : groups) {
                List<NewHost> hosts = new ArrayList<>();
                g.hosts.forEach((h, t) -> hosts.add(new NewHost(g, h, t)));
                if (!g.existed) {
                    missing.addAll(hosts);
                    continue;
                }
                for (NewHost h : hosts) {
                    bindHost(up, h);
                    up.addBatch();
                }
                int[] counts = up.executeBatch();
                for (int k = 0; k < counts.length; k++) {
                    if (counts[k] == 0) {
                        missing.add(hosts.get(k));
                    }
                }
            }
            for (NewHost m : missing) {
                insertHost(c, up, m);
            }
        }
    }

    private static void bindHost(PreparedStatement up, NewHost h) throws SQLException {
        int i = Recorder.bindSpan(up, 1, h.tally);
        up.setLong(i++, h.group.alertId);
        up.setString(i, h.host);
    }

    private static void insertHost(Connection c, PreparedStatement up, NewHost h) throws SQLException {
        Savepoint sp = c.setSavepoint();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_hosts (alert_id, hostname, event_count,"
                + " first_seen, last_seen) VALUES (?, ?, ?, ?, ?)")) {
            ps.setLong(1, h.group.alertId);
            ps.setString(2, h.host);
            ps.setLong(3, h.tally.count);
            Sql.setInstant(ps, 4, h.tally.first);
            Sql.setInstant(ps, 5, h.tally.last);
            ps.executeUpdate();
            c.releaseSavepoint(sp);
        } catch (SQLException e) {
            if (!Sql.isDuplicateKey(e)) {
                throw e;
            }
            // A concurrent batch added the host first: count ours onto its row.
            c.rollback(sp);
            bindHost(up, h);
            up.executeUpdate();
        }
    }
}
