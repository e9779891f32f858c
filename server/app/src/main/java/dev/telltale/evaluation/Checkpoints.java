package dev.telltale.evaluation;

import dev.telltale.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** The single row of {@code evaluation_checkpoint}: journal position and process state. */
final class Checkpoints {
    record Saved(long position, byte[] state) {
    }

    private Checkpoints() {
    }

    static Optional<Saved> load(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT journal_position, process_state FROM evaluation_checkpoint WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(new Saved(rs.getLong(1), rs.getBytes(2))) : Optional.empty();
        }
    }

    static void save(Connection c, long position, byte[] state, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE evaluation_checkpoint SET journal_position = ?, process_state = ?, updated_at = ? WHERE id = 1")) {
            ps.setLong(1, position);
            ps.setBytes(2, state);
            Sql.setInstant(ps, 3, now);
            if (ps.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO evaluation_checkpoint "
                + "(id, journal_position, process_state, updated_at) VALUES (1, ?, ?, ?)")) {
            ps.setLong(1, position);
            ps.setBytes(2, state);
            Sql.setInstant(ps, 3, now);
            ps.executeUpdate();
        }
    }
}
