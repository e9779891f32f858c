package dev.telltale.auth;

import dev.telltale.audit.Audit;
import dev.telltale.db.Sql;

import javax.sql.DataSource;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * {@link Users} in the {@code users} table. User names are compared after trimming and lower
 * casing, so "Admin" and "admin" are one account.
 */
final class DbUsers implements Users {

    private static final System.Logger LOG = System.getLogger(DbUsers.class.getName());
    static final String ADMIN = "admin";
    static final int MAX_FAILURES = 5;
    static final Duration LOCKOUT = Duration.ofMinutes(5);
    private static final int GENERATED_PASSWORD_LENGTH = 20;
    // No 0/O/o, 1/l/I: the password is read off a VM console and typed by hand.
    private static final String UNAMBIGUOUS = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    private static final String SYSTEM_ACTOR = "system";
    /**
     * The password hash of single sign-on accounts. It is not a PHC string, so no password
     * verifies against it, and the login path recognises it before hashing anything.
     */
    static final String SINGLE_SIGN_ON = "!single-sign-on";

    private final DataSource dataSource;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final PasswordHasher hasher = new PasswordHasher(random);
    /** Verified against for unknown users so they take as long as known ones. */
    private final String dummyHash;

    DbUsers(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.dummyHash = hasher.hash("not a real password".toCharArray());
    }

    @Override
    public Optional<String> bootstrapAdmin(Optional<String> presetPassword) {
        Optional<String> preset = presetPassword.filter(p -> !p.isBlank());
        if (presetPassword.isPresent() && preset.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "ignoring a blank preset admin password; generating one");
        }
        return Sql.inTransaction(dataSource, c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM users")) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    return Optional.<String>empty();
                }
            }
            String password = preset.orElseGet(this::generatePassword);
            Instant now = clock.instant();
            long id;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (username, password_hash, is_admin,"
                    + " must_change_password, failed_logins, created_at) VALUES (?, ?, TRUE, ?, 0, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, ADMIN);
                ps.setString(2, hasher.hash(password.toCharArray()));
                // A generated password was printed on a console: it must go. One the operator chose
                // (OVF property, user-data, environment) is theirs already.
                ps.setBoolean(3, preset.isEmpty());
                Sql.setInstant(ps, 4, now);
                ps.executeUpdate();
                id = Sql.generatedId(ps);
            } catch (SQLException e) {
                if (Sql.isDuplicateKey(e)) {
                    return Optional.<String>empty(); // another bootstrap won the race
                }
                throw e;
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO team_members (user_id, team_id, role)"
                    + " SELECT ?, id, 'TEAM_ADMIN' FROM teams WHERE name = 'default'")) {
                ps.setLong(1, id);
                if (ps.executeUpdate() != 1) {
                    throw new SQLException("expected exactly one team named 'default'");
                }
            }
            Audit.record(c, now, SYSTEM_ACTOR, "user.bootstrap", "user:" + ADMIN,
                    Optional.of(preset.isPresent() ? "preset password" : "generated password"));
            return preset.isPresent() ? Optional.<String>empty() : Optional.of(password);
        });
    }

    @Override
    public Optional<User> authenticate(String username, char[] password) {
        Optional<Row> row = load(normalize(username));
        if (row.isEmpty()) {
            hasher.verify(password, dummyHash);
            return Optional.empty();
        }
        Row r = row.get();
        if (r.passwordHash.equals(SINGLE_SIGN_ON)) {
            refuseSingleSignOn(r, password);
            return Optional.empty();
        }
        // Hash before looking at the lock, so a locked account answers as slowly as any other.
        boolean matches = hasher.verify(password, r.passwordHash);
        Instant now = clock.instant();
        if (r.lockedUntil.filter(now::isBefore).isPresent()) {
            return Optional.empty();
        }
        if (!matches) {
            recordFailure(r, now);
            return Optional.empty();
        }
        Sql.inTransaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ? WHERE id = ?")) {
                Sql.setInstant(ps, 1, now);
                ps.setLong(2, r.user.id());
                ps.executeUpdate();
            }
            Audit.record(c, now, r.user.username(), "user.login", "user:" + r.user.username(), Optional.empty());
            return null;
        });
        return Optional.of(r.user);
    }

    /** A single sign-on account asked for by password: as slow as any refusal, audited, never locked. */
    private void refuseSingleSignOn(Row r, char[] password) {
        hasher.verify(password, dummyHash);
        Sql.inTransaction(dataSource, c -> {
            Audit.record(c, clock.instant(), r.user.username(), "user.login_failed", "user:" + r.user.username(),
                    Optional.of("single sign-on account: it has no local password"));
            return null;
        });
    }

    static User insertSingleSignOn(Connection c, String username, boolean orgAdmin, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (username, password_hash, is_admin,"
                + " must_change_password, failed_logins, created_at, last_login_at) VALUES (?, ?, ?, FALSE, 0, ?, ?)",
                Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, username);
            ps.setString(2, SINGLE_SIGN_ON);
            ps.setBoolean(3, orgAdmin);
            Sql.setInstant(ps, 4, now);
            Sql.setInstant(ps, 5, now);
            ps.executeUpdate();
            return new User(Sql.generatedId(ps), username, orgAdmin, false);
        }
    }

    @Override
    public Optional<User> find(String username) {
        return load(normalize(username)).map(Row::user);
    }

    private void recordFailure(Row r, Instant now) {
        Sql.inTransaction(dataSource, c -> {
            // Increment in SQL so concurrent failures are all counted.
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ?")) {
                ps.setLong(1, r.user.id());
                ps.executeUpdate();
            }
            int failures;
            try (PreparedStatement ps = c.prepareStatement("SELECT failed_logins FROM users WHERE id = ?")) {
                ps.setLong(1, r.user.id());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    failures = rs.getInt(1);
                }
            }
            String target = "user:" + r.user.username();
            Audit.record(c, now, r.user.username(), "user.login_failed", target, Optional.empty());
            if (failures >= MAX_FAILURES) {
                // The counter restarts so the account gets a fresh allowance once the lock lapses.
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?")) {
                    Sql.setInstant(ps, 1, now.plus(LOCKOUT));
                    ps.setLong(2, r.user.id());
                    ps.executeUpdate();
                }
                Audit.record(c, now, SYSTEM_ACTOR, "user.locked", target,
                        Optional.of(failures + " consecutive failed logins; locked for " + LOCKOUT.toMinutes() + " min"));
            }
            return null;
        });
    }

    private Optional<Row> load(String username) {
        return Sql.inTransaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, username, password_hash, is_admin,"
                    + " must_change_password, locked_until FROM users WHERE username = ?")) {
                ps.setString(1, username);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Row>empty();
                    }
                    User user = new User(rs.getLong("id"), rs.getString("username"), rs.getBoolean("is_admin"),
                            rs.getBoolean("must_change_password"));
                    return Optional.of(new Row(user, rs.getString("password_hash"), Sql.instant(rs, "locked_until")));
                }
            }
        });
    }

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z0-9._@-]{1,100}");

    static Optional<String> validName(String username) {
        String name = normalize(username);
        return NAME.matcher(name).matches() ? Optional.of(name) : Optional.empty();
    }

    @Override
    public User create(String username, char[] password, boolean orgAdmin, String actor) {
        String name = normalize(username);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a username is 1-100 letters, digits, '.', '_', '-' or '@'");
        }
        Users.weakness(name, password).ifPresent(w -> {
            throw new IllegalArgumentException(w);
        });
        String hash = hasher.hash(password);
        try {
            return Sql.inTransaction(dataSource, c -> {
                Instant now = clock.instant();
                long id;
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (username, password_hash, is_admin,"
                        + " must_change_password, failed_logins, created_at) VALUES (?, ?, ?, TRUE, 0, ?)",
                        Statement.RETURN_GENERATED_KEYS)) {
                    ps.setString(1, name);
                    ps.setString(2, hash);
                    ps.setBoolean(3, orgAdmin);
                    Sql.setInstant(ps, 4, now);
                    ps.executeUpdate();
                    id = Sql.generatedId(ps);
                }
                Audit.record(c, now, actor, "user.create", "user:" + name, Optional.of(orgAdmin ? "Admin" : "User"));
                return new User(id, name, orgAdmin, true);
            });
        } catch (dev.telltale.db.DatabaseException e) {
            if (e.getCause() instanceof SQLException x && Sql.isDuplicateKey(x)) {
                throw new IllegalArgumentException("a user named '" + name + "' already exists");
            }
            throw e;
        }
    }

    @Override
    public boolean changePassword(String username, char[] current, char[] replacement) {
        String name = normalize(username);
        if (load(name).filter(r -> r.passwordHash.equals(SINGLE_SIGN_ON)).isPresent()) {
            throw new IllegalArgumentException("this account signs in through single sign-on and has no password here");
        }
        Users.weakness(name, replacement).ifPresent(w -> {
            throw new IllegalArgumentException(w);
        });
        if (java.util.Arrays.equals(current, replacement)) {
            throw new IllegalArgumentException("the new password must differ from the current one");
        }
        Optional<User> user = authenticate(name, current);
        if (user.isEmpty()) {
            return false;
        }
        String hash = hasher.hash(replacement);
        Sql.inTransaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE users SET password_hash = ?, must_change_password = FALSE WHERE id = ?")) {
                ps.setString(1, hash);
                ps.setLong(2, user.get().id());
                ps.executeUpdate();
            }
            Audit.record(c, clock.instant(), name, "user.password_change", "user:" + name, Optional.empty());
            return null;
        });
        return true;
    }

    @Override
    public java.util.List<User> list() {
        return Sql.inTransaction(dataSource, c -> {
            java.util.List<User> out = new java.util.ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT id, username, is_admin, must_change_password FROM users ORDER BY username")) {
                while (rs.next()) {
                    out.add(new User(rs.getLong(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4)));
                }
            }
            return out;
        });
    }

    private String generatePassword() {
        StringBuilder sb = new StringBuilder(GENERATED_PASSWORD_LENGTH);
        for (int i = 0; i < GENERATED_PASSWORD_LENGTH; i++) {
            sb.append(UNAMBIGUOUS.charAt(random.nextInt(UNAMBIGUOUS.length())));
        }
        return sb.toString();
    }

    private static String normalize(String username) {
        return username.trim().toLowerCase(Locale.ROOT);
    }

    private record Row(User user, String passwordHash, Optional<Instant> lockedUntil) {
    }
}
