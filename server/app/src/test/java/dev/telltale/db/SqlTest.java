package dev.telltale.db;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.TimeZone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SqlTest {

    @TempDir
    Path data;
    private Database db;

    @BeforeEach
    void open() {
        db = Database.open(data);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void timestampsAreStoredInUtcWhateverTheServersTimeZone() {
        // 07:30Z on 2026-03-08 is 02:30 in New York, a local time that does not exist (DST starts).
        Instant inGap = Instant.parse("2026-03-08T07:30:00Z");
        TimeZone original = TimeZone.getDefault();
        TimeZone.setDefault(TimeZone.getTimeZone("America/New_York"));
        try {
            Sql.inTransaction(db.dataSource(), c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO audit_log (occurred_at, actor, action) VALUES (?, 'test', 'tz')")) {
                    Sql.setInstant(ps, 1, inGap);
                    ps.executeUpdate();
                }
                return null;
            });
            Object[] read = Sql.inTransaction(db.dataSource(), c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT occurred_at, CAST(occurred_at AS VARCHAR(30)) AS text FROM audit_log");
                     ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return new Object[] {Sql.instant(rs, "occurred_at"), rs.getString("text")};
                }
            });
            assertEquals(Optional.of(inGap), read[0]);
            assertEquals("2026-03-08 07:30:00.0", read[1], "the column holds UTC wall-clock time");
        } finally {
            TimeZone.setDefault(original);
        }
    }

    @Test
    void aFailingTransactionLeavesNoTrace() throws SQLException {
        assertThrows(IllegalStateException.class, () -> Sql.inTransaction(db.dataSource(), c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO teams (organisation_id, name) SELECT id, 'half-done' FROM organisations")) {
                ps.executeUpdate();
            }
            throw new IllegalStateException("fails after the insert");
        }));
        DatabaseException e = assertThrows(DatabaseException.class, () -> Sql.inTransaction(db.dataSource(), c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO teams (organisation_id, name) SELECT id, 'default' FROM organisations")) {
                return ps.executeUpdate();
            }
        }));
        assertTrue(e.getCause() instanceof SQLException s && Sql.isDuplicateKey(s));
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM teams");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertEquals(1, rs.getInt(1), "only the migration's default team");
        }
    }
}
