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

    static void write(Connection c, long occurrenceId, Instant when, String actor, Optional<TriageState> from,
                      TriageState to, Optional<Instant> expiresAt, Optional<String> comment) throws SQLException {
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
    }

    /** A system transition with an explanation. */
    static void system(Connection c, long occurrenceId, Instant when, Optional<TriageState> from, TriageState to,
                       Optional<Instant> expiresAt, String why) throws SQLException {
        write(c, occurrenceId, when, SYSTEM, from, to, expiresAt, Optional.of(why));
    }
}
