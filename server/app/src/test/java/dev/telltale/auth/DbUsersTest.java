package dev.telltale.auth;

import dev.telltale.db.Database;
import dev.telltale.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DbUsersTest {

    private static final Instant T0 = Instant.parse("2026-03-01T09:00:00Z");

    @TempDir
    Path data;
    private Database db;
    private final MutableClock clock = new MutableClock(T0);
    private Users users;

    @BeforeEach
    void open() {
        db = Database.open(data);
        users = Users.create(db, clock);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void bootstrapGeneratesAnAdminPasswordOnceAndOnlyOnce() throws SQLException {
        String password = users.bootstrapAdmin(Optional.empty()).orElseThrow();
        assertEquals(20, password.length());
        assertTrue(password.matches("[A-HJ-NP-Za-km-z2-9]{20}"), "unambiguous alphabet: " + password);

        User admin = users.authenticate("admin", password.toCharArray()).orElseThrow();
        assertTrue(admin.admin());
        assertTrue(admin.mustChangePassword());

        assertEquals(Optional.empty(), users.bootstrapAdmin(Optional.empty()), "users exist: nothing generated");
        assertEquals(Optional.empty(), users.bootstrapAdmin(Optional.of("other-password")));
        assertTrue(users.authenticate("admin", password.toCharArray()).isPresent(), "the first password still works");
        assertFalse(users.authenticate("admin", "other-password".toCharArray()).isPresent());

        assertEquals(List.of("default:TEAM_ADMIN"), column(
                "SELECT t.name || ':' || m.role FROM team_members m JOIN teams t ON t.id = m.team_id"));
        String stored = column("SELECT password_hash FROM users").get(0);
        assertTrue(stored.startsWith("$argon2id$") && !stored.contains(password), "only the Argon2id hash is stored");
    }

    @Test
    void bootstrapHonoursAPresetPasswordAndReturnsNothingToPrint() {
        assertEquals(Optional.empty(), users.bootstrapAdmin(Optional.of("from-the-ovf-property")));
        assertFalse(users.authenticate("admin", "from-the-ovf-property".toCharArray()).orElseThrow().mustChangePassword(),
                "the operator chose it");
    }

    @Test
    void aBlankPresetIsNotAcceptedAsThePassword() {
        String generated = users.bootstrapAdmin(Optional.of("  ")).orElseThrow();
        assertFalse(users.authenticate("admin", "  ".toCharArray()).isPresent());
        assertTrue(users.authenticate("admin", generated.toCharArray()).isPresent());
    }

    @Test
    void wrongPasswordsAndUnknownUsersAreRefused() {
        users.bootstrapAdmin(Optional.of("s3cret-enough"));
        assertFalse(users.authenticate("admin", "s3cret-Enough".toCharArray()).isPresent());
        assertFalse(users.authenticate("nobody", "s3cret-enough".toCharArray()).isPresent());
        assertTrue(users.authenticate(" ADMIN ", "s3cret-enough".toCharArray()).isPresent(), "names ignore case");
        assertTrue(users.find("admin").isPresent());
        assertFalse(users.find("nobody").isPresent());
    }

    @Test
    void fiveFailuresLockTheAccountForFiveMinutes() throws SQLException {
        users.bootstrapAdmin(Optional.of("right"));
        for (int i = 0; i < 5; i++) {
            assertFalse(users.authenticate("admin", "wrong".toCharArray()).isPresent());
        }
        assertFalse(users.authenticate("admin", "right".toCharArray()).isPresent(), "locked: even the right password fails");
        clock.advance(Duration.ofMinutes(4).plusSeconds(59));
        assertFalse(users.authenticate("admin", "right".toCharArray()).isPresent(), "still locked");
        clock.advance(Duration.ofSeconds(1));
        assertTrue(users.authenticate("admin", "right".toCharArray()).isPresent(), "the lock lapses after five minutes");
        assertTrue(column("SELECT action FROM audit_log").contains("user.locked"));
    }

    @Test
    void aSuccessResetsTheFailureCount() {
        users.bootstrapAdmin(Optional.of("right"));
        for (int i = 0; i < 4; i++) {
            users.authenticate("admin", "wrong".toCharArray());
        }
        assertTrue(users.authenticate("admin", "right".toCharArray()).isPresent());
        for (int i = 0; i < 4; i++) {
            users.authenticate("admin", "wrong".toCharArray());
        }
        assertTrue(users.authenticate("admin", "right".toCharArray()).isPresent(), "4 + 4 failures never made 5 in a row");
    }

    @Test
    void aLoginRecordsItsTime() throws SQLException {
        users.bootstrapAdmin(Optional.of("right"));
        assertEquals(List.of(), nonNull(column("SELECT CAST(last_login_at AS VARCHAR(40)) FROM users")));
        clock.advance(Duration.ofHours(1));
        users.authenticate("admin", "right".toCharArray());
        assertEquals(List.of("2026-03-01 10:00:00.0"), column("SELECT CAST(last_login_at AS VARCHAR(40)) FROM users"));
    }

    private static List<String> nonNull(List<String> values) {
        return values.stream().filter(v -> v != null).toList();
    }

    private List<String> column(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
