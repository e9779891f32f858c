package dev.telltale.auth;

import dev.telltale.db.Database;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Local users. Passwords are hashed with Argon2id (BouncyCastle) and never stored or logged
 * in clear. Failed logins are throttled per user name.
 */
public interface Users {

    /**
     * Users stored in {@code db}, with lockouts timed by the system clock. User names are
     * matched case-insensitively (trimmed, lower-cased).
     */
    static Users create(Database db) {
        return create(db, Clock.systemUTC());
    }

    /** As {@link #create(Database)}, with lockout and login times taken from {@code clock}. */
    static Users create(Database db, Clock clock) {
        return new DbUsers(db.dataSource(), clock);
    }

    /**
     * Creates the initial {@code admin} user if no user exists. The password is
     * {@code TELLTALE_ADMIN_PASSWORD} when given, otherwise random; a random one is returned
     * so the caller can print it once and write it to {@code DATA/initial-admin-password} (0600).
     * The admin must change a generated password before doing anything else; a preset one was
     * chosen by the operator and need not change.
     *
     * <p>A blank preset counts as none. Does nothing when any user exists. The user and its
     * {@code TEAM_ADMIN} membership of the {@code default} team are created in one transaction.
     *
     * @return the generated password, when one was generated
     * @throws dev.telltale.db.DatabaseException when the database fails
     */
    Optional<String> bootstrapAdmin(Optional<String> presetPassword);

    /**
     * The user when the password matches and the account is not locked; empty otherwise.
     * Five consecutive failures lock the account for five minutes; a success resets the count.
     * Unknown, locked and wrong-password attempts take the same hashing time, so the answer
     * does not reveal which names exist. Single sign-on accounts have no local password and are
     * always refused (audited, without counting towards a lock). The caller keeps ownership of
     * {@code password}.
     *
     * @throws dev.telltale.db.DatabaseException when the database fails
     */
    Optional<User> authenticate(String username, char[] password);

    /** The user with this name, if any. Does not count as a login attempt. */
    Optional<User> find(String username);

    /**
     * Creates a local user who must change the password at first login (an Admin chose it),
     * audited. Usernames are 1-100 letters, digits, '.', '_', '-' or '@', case-insensitive.
     *
     * @throws IllegalArgumentException when the name is invalid, taken, or the password breaks
     *                                  the policy (the message says which)
     */
    User create(String username, char[] password, boolean orgAdmin, String actor);

    /**
     * Changes a user's password after checking the current one (a failure counts towards the
     * lockout like a failed login), clears the must-change flag, audited.
     *
     * @return false when the current password is wrong or the account is locked
     * @throws IllegalArgumentException when the new password breaks the policy or equals the old one, or
     *                                  the account signs in through single sign-on (it has no password)
     */
    boolean changePassword(String username, char[] current, char[] replacement);

    /** Every user, by name. */
    java.util.List<User> list();

    /**
     * The normalized form of a proposed username (trimmed, lower-cased) when it is valid: 1-100
     * letters, digits, '.', '_', '-' or '@'.
     */
    static Optional<String> validName(String username) {
        return DbUsers.validName(username);
    }

    /**
     * Inserts, inside the caller's transaction, a user who signs in only through single sign-on.
     * No password verifies for them: local sign-in and the password grant refuse them. Not audited
     * here; the caller records why the account was created in the same transaction.
     *
     * @param username a name {@link #validName} accepted
     * @throws SQLException a duplicate key ({@link dev.telltale.db.Sql#isDuplicateKey}) when the name is taken
     */
    static User insertSingleSignOn(Connection c, String username, boolean orgAdmin, Instant now) throws SQLException {
        return DbUsers.insertSingleSignOn(c, username, orgAdmin, now);
    }

    /** Password policy: at least 12 characters, not the username, not one repeated character. */
    static Optional<String> weakness(String username, char[] password) {
        String p = new String(password);
        if (p.length() < 12) {
            return Optional.of("a password needs at least 12 characters");
        }
        if (p.length() > 256) {
            return Optional.of("a password has at most 256 characters");
        }
        if (p.equalsIgnoreCase(username)) {
            return Optional.of("a password must not be the username");
        }
        if (p.chars().distinct().count() < 4) {
            return Optional.of("a password needs at least 4 different characters");
        }
        return Optional.empty();
    }
}
