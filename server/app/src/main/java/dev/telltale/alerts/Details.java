package dev.telltale.alerts;

import dev.telltale.alerts.Alerts.AlertDetail;
import dev.telltale.alerts.Alerts.AlertSummary;
import dev.telltale.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One alert in full. History and comments are the alert's, across its occurrences: an
 * occurrence carried over to a newer version keeps the story of the one it came from.
 */
final class Details {
    private static final String BY_OCCURRENCE = " JOIN alert_occurrences o ON o.id = x.occurrence_id"
            + " JOIN component_versions v ON v.id = o.version_id WHERE o.alert_id = ?";

    private Details() {
    }

    static AlertDetail load(Connection c, AlertSummary a) throws SQLException {
        List<Alerts.Occurrence> occurrences = new ArrayList<>();
        try (PreparedStatement ps = prepare(c, Queries.OCCURRENCE + " WHERE o.alert_id = ?"
                + " ORDER BY v.created_at, v.id", a.id()); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                occurrences.add(Queries.occurrence(rs));
            }
        }
        List<Alerts.Host> hosts = new ArrayList<>();
        try (PreparedStatement ps = prepare(c, "SELECT hostname, event_count, first_seen, last_seen FROM alert_hosts"
                + " WHERE alert_id = ? ORDER BY last_seen DESC, hostname", a.id()); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                hosts.add(new Alerts.Host(rs.getString(1), rs.getLong(2), Sql.instant(rs, "first_seen").orElseThrow(),
                        Sql.instant(rs, "last_seen").orElseThrow()));
            }
        }
        List<Alerts.HistoryEntry> history = new ArrayList<>();
        try (PreparedStatement ps = prepare(c, "SELECT x.id, x.occurrence_id, v.version, x.changed_at, x.actor,"
                + " x.from_state, x.to_state, x.expires_at, x.comment FROM alert_history x" + BY_OCCURRENCE
                + " ORDER BY x.changed_at, x.id", a.id()); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                history.add(new Alerts.HistoryEntry(rs.getLong(1), rs.getLong(2), rs.getString(3),
                        Sql.instant(rs, "changed_at").orElseThrow(), rs.getString(5),
                        Optional.ofNullable(rs.getString(6)).map(TriageState::valueOf), TriageState.valueOf(rs.getString(7)),
                        Sql.instant(rs, "expires_at"), Optional.ofNullable(rs.getString(9))));
            }
        }
        List<Alerts.Comment> comments = new ArrayList<>();
        try (PreparedStatement ps = prepare(c, "SELECT x.id, x.occurrence_id, v.version, x.created_at, x.actor, x.body"
                + " FROM alert_comments x" + BY_OCCURRENCE + " ORDER BY x.created_at, x.id", a.id());
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                comments.add(new Alerts.Comment(rs.getLong(1), rs.getLong(2), rs.getString(3),
                        Sql.instant(rs, "created_at").orElseThrow(), rs.getString(5), rs.getString(6)));
            }
        }
        List<String> versions = occurrences.stream().map(Alerts.Occurrence::version).toList();
        return new AlertDetail(a, occurrences, hosts, versions, history, comments);
    }

    private static PreparedStatement prepare(Connection c, String sql, long id) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        ps.setLong(1, id);
        return ps;
    }
}
