package dev.telltale.alerts;

import dev.telltale.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Optional;

/** Writes {@code alert_history} rows: every state change, by a person or by the system. */
final class History {
    /** The actor of transitions nobody asked for: creation, carry-over, reopening, expiry, fixed. */
    static final String SYSTEM = "system";
    static final int COMMENT_MAX = TriageChecks.COMMENT_MAX;

    private History() {
    }

    static void write(Connection c, AlertEvents events, long occurrenceId, Instant when, String actor,
                      Optional<TriageState> from, TriageState to, Optional<Instant> expiresAt,
                      Optional<String> comment) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_history"
                + " (occurrence_id, changed_at, actor, from_state, to_state, expires_at, comment)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, occurrenceId);
            Sql.setInstant(ps, 2, when);
            ps.setString(3, actor);
            if (from.isPresent()) {
                ps.setString(4, from.get().name());
            } else {
                ps.setNull(4, Types.VARCHAR);
            }
            ps.setString(5, to.name());
            Sql.setInstant(ps, 6, expiresAt);
            ps.setString(7, comment.map(s -> s.length() <= COMMENT_MAX ? s : s.substring(0, COMMENT_MAX)).orElse(null));
            ps.executeUpdate();
        }
        if (events != AlertEvents.NONE) {
            events.changed(c, change(c, occurrenceId, when, actor, from, to, comment));
        }
    }

    private static AlertEvents.AlertChange change(Connection c, long occurrenceId, Instant when, String actor,
                                                  Optional<TriageState> from, TriageState to,
                                                  Optional<String> comment) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT a.id, a.team_id, p.name, m.name, v.version,"
                + " a.rule_id, a.alert_key, a.severity FROM alert_occurrences o JOIN alerts a ON a.id = o.alert_id"
                + " JOIN applications p ON p.id = a.application_id JOIN components m ON m.id = a.component_id"
                + " JOIN component_versions v ON v.id = o.version_id WHERE o.id = ?")) {
            ps.setLong(1, occurrenceId);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("occurrence " + occurrenceId + " missing after its history row");
                }
                return new AlertEvents.AlertChange(rs.getLong(1), occurrenceId, rs.getLong(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                        dev.telltale.policy.Severity.valueOf(rs.getString(8).trim()), from, to, actor, comment, when);
            }
        }
    }

    /** A system transition with an explanation. */
    static void system(Connection c, AlertEvents events, long occurrenceId, Instant when,
                       Optional<TriageState> from, TriageState to, Optional<Instant> expiresAt, String why)
            throws SQLException {
        write(c, events, occurrenceId, when, SYSTEM, from, to, expiresAt, Optional.of(why));
    }
}
