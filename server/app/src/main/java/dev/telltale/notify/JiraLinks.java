package dev.telltale.notify;

import dev.telltale.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code jira_links} table: the issue created for each occurrence, and its last read status. */
final class JiraLinks {
    private JiraLinks() {
    }

    static Optional<String> keyOf(Connection c, long occurrenceId, long integrationId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT issue_key FROM jira_links WHERE occurrence_id = ?"
                + " AND integration_id = ?")) {
            ps.setLong(1, occurrenceId);
            ps.setLong(2, integrationId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    static void insert(Connection c, long alertId, long occurrenceId, long integrationId, String key, String url,
                       Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO jira_links (occurrence_id, alert_id,"
                + " integration_id, issue_key, issue_url, created_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, occurrenceId);
            ps.setLong(2, alertId);
            ps.setLong(3, integrationId);
            ps.setString(4, key);
            ps.setString(5, url);
            Sql.setInstant(ps, 6, now);
            ps.executeUpdate();
        }
    }

    static void status(Connection c, long integrationId, String key, String status, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE jira_links SET status = ?, refreshed_at = ?"
                + " WHERE integration_id = ? AND issue_key = ?")) {
            ps.setString(1, status.length() <= 100 ? status : status.substring(0, 100));
            Sql.setInstant(ps, 2, now);
            ps.setLong(3, integrationId);
            ps.setString(4, key);
            ps.executeUpdate();
        }
    }

    static List<Notify.Ticket> list(Connection c, long integrationId) throws SQLException {
        List<Notify.Ticket> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT alert_id, occurrence_id, issue_key, issue_url, status,"
                + " created_at, refreshed_at FROM jira_links WHERE integration_id = ? ORDER BY created_at DESC,"
                + " occurrence_id DESC FETCH FIRST 500 ROWS ONLY")) {
            ps.setLong(1, integrationId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Notify.Ticket(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                            Optional.ofNullable(rs.getString(5)), Sql.instant(rs, "created_at").orElseThrow(),
                            Sql.instant(rs, "refreshed_at")));
                }
            }
        }
        return out;
    }
}
