package dev.telltale.db;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DerbyDatabaseTest {

    @TempDir
    Path data;

    @Test
    void firstOpenCreatesSchemaAndDefaultTeam() throws SQLException {
        try (Database db = Database.open(data)) {
            assertTrue(db.healthy());
            assertTrue(Files.isDirectory(data.resolve("derby")), "database lives under DATA/derby");
            assertTrue(Files.isDirectory(data.resolve("logs")), "Derby's log directory exists");
            // The engine reads this once per JVM, so only the property can be checked for every database.
            assertEquals(data.resolve("logs/derby.log").toAbsolutePath().toString(),
                    System.getProperty("derby.stream.error.file"));
            assertFalse(Files.exists(Path.of("derby.log")), "no derby.log in the working directory");
            List<String> tables = tables(db);
            for (String t : List.of("ORGANISATIONS", "TEAMS", "USERS", "TEAM_MEMBERS", "APPLICATIONS", "COMPONENTS",
                    "COMPONENT_VERSIONS", "AGENTS", "RUN_TOKENS", "AUDIT_LOG")) {
                assertTrue(tables.contains(t), "missing table " + t + " in " + tables);
            }
            try (Connection c = db.dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement(
                         "SELECT o.name, t.name FROM teams t JOIN organisations o ON o.id = t.organisation_id");
                 ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals("default", rs.getString(2));
                assertFalse(rs.next(), "exactly one team after the migration");
            }
        }
    }

    @Test
    void noBackgroundIndexStatisticsAsTablesGrow() throws Exception {
        try (Database db = Database.open(data); Connection c = db.dataSource().getConnection()) {
            try (var st = c.createStatement()) {
                st.execute("CREATE TABLE grow (k INT NOT NULL, v VARCHAR(20))");
                st.execute("CREATE INDEX grow_k ON grow (k)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO grow VALUES (?, ?)")) {
                for (int i = 0; i < 5_000; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "row " + i);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            // Compiling a statement on a table without statistics is what schedules Derby's daemon.
            for (int i = 0; i < 3; i++) {
                try (PreparedStatement ps = c.prepareStatement("SELECT v FROM grow WHERE k = ? AND v <> '" + i + "'")) {
                    ps.setInt(1, i);
                    ps.executeQuery().close();
                }
                Thread.sleep(500);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM sys.sysstatistics s JOIN sys.systables t"
                    + " ON s.tableid = t.tableid WHERE t.tablename = 'GROW'");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(0, rs.getInt(1), "statistics computed in the background (decision 26)");
            }
        }
    }

    @Test
    void reopenKeepsDataAndDoesNotReapplyMigration() throws SQLException {
        try (Database db = Database.open(data)) {
            insertTeam(db, "blue");
        }
        try (Database db = Database.open(data)) {
            try (Connection c = db.dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM teams");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(2, rs.getInt(1), "default team plus the one inserted before the restart");
            }
        }
    }

    @Test
    void teamNamesAreUniqueWithinAnOrganisation() {
        try (Database db = Database.open(data)) {
            SQLException e = assertThrows(SQLException.class, () -> insertTeam(db, "default"));
            assertTrue(Sql.isDuplicateKey(e));
        }
    }

    @Test
    void closedDatabaseIsUnhealthyAndRefusesConnections() {
        Database db = Database.open(data);
        db.close();
        assertFalse(db.healthy());
        assertThrows(SQLException.class, () -> db.dataSource().getConnection());
        db.close(); // a second close is harmless
    }

    private static void insertTeam(Database db, String name) throws SQLException {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO teams (organisation_id, name) SELECT id, ? FROM organisations")) {
            ps.setString(1, name);
            ps.executeUpdate();
        }
    }

    private static List<String> tables(Database db) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
             ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME"));
            }
        }
        return names;
    }
}
