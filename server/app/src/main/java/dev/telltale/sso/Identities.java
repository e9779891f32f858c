package dev.telltale.sso;

import dev.telltale.audit.Audit;
import dev.telltale.auth.User;
import dev.telltale.auth.Users;
import dev.telltale.db.DatabaseException;
import dev.telltale.db.Sql;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Users who sign in through the provider ({@code external_identities}): found by the provider's
 * (issuer, subject), created at their first sign-in, and given at each sign-in the access their
 * groups grant. Everything one sign-in changes commits together with its audit rows.
 */
final class Identities {
    private final DataSource dataSource;
    private final Clock clock;

    Identities(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    private record Link(long userId, boolean adminGranted) {
    }

    /**
     * Signs {@code who} in: the linked user, or a new one named {@code who.username()} when the
     * subject is new; then the plan's access replaces what single sign-on granted before.
     * Audited: {@code sso.user.create} for a new user, {@code sso.login} with the access granted.
     *
     * @throws SsoException REFUSED when the subject is new and its name belongs to another user
     *                      (never linked silently: that would hand the account to whoever the
     *                      provider calls by that name)
     */
    User signIn(Identity who, AccessRules.Plan plan) {
        try {
            return Sql.inTransaction(dataSource, c -> {
                Instant now = clock.instant();
                Optional<Link> link = find(c, who);
                long userId = link.isPresent() ? touch(c, link.get().userId(), now) : create(c, who, now);
                grantAdmin(c, userId, plan.admin(), link.map(Link::adminGranted).orElse(false));
                grantTeams(c, userId, plan);
                Audit.record(c, now, who.username(), "sso.login", "user:" + who.username(),
                        Optional.of("subject " + who.subject() + " at " + who.issuer() + "; " + plan.describe()));
                return load(c, userId);
            });
        } catch (DatabaseException e) {
            if (e.getCause() instanceof SQLException x && Sql.isDuplicateKey(x)) {
                throw taken(who); // another sign-in created the name between our check and insert
            }
            throw e;
        }
    }

    /** Records a refused sign-in ({@code sso.login.failed}) in a transaction of its own. */
    void refused(String actor, String issuer, String reason) {
        Sql.inTransaction(dataSource, c -> {
            Audit.record(c, clock.instant(), actor, "sso.login.failed", "sso:" + issuer, Optional.of(reason));
            return null;
        });
    }

    private static Optional<Link> find(Connection c, Identity who) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT user_id, admin_granted FROM external_identities WHERE issuer = ? AND subject = ?")) {
            ps.setString(1, who.issuer());
            ps.setString(2, who.subject());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Link(rs.getLong(1), rs.getBoolean(2))) : Optional.empty();
            }
        }
    }

    private static long touch(Connection c, long userId, Instant now) throws SQLException {
        for (String sql : new String[]{"UPDATE users SET last_login_at = ? WHERE id = ?",
                "UPDATE external_identities SET last_login_at = ? WHERE user_id = ?"}) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                Sql.setInstant(ps, 1, now);
                ps.setLong(2, userId);
                ps.executeUpdate();
            }
        }
        return userId;
    }

    private static long create(Connection c, Identity who, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM users WHERE username = ?")) {
            ps.setString(1, who.username());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    throw taken(who);
                }
            }
        }
        User u = Users.insertSingleSignOn(c, who.username(), false, now);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO external_identities (user_id, issuer, subject,"
                + " admin_granted, created_at, last_login_at) VALUES (?, ?, ?, FALSE, ?, ?)")) {
            ps.setLong(1, u.id());
            ps.setString(2, who.issuer());
            ps.setString(3, who.subject());
            Sql.setInstant(ps, 4, now);
            Sql.setInstant(ps, 5, now);
            ps.executeUpdate();
        }
        Audit.record(c, now, "system", "sso.user.create", "user:" + who.username(),
                Optional.of("first sign-in of subject " + who.subject() + " at " + who.issuer()));
        return u.id();
    }

    private static SsoException taken(Identity who) {
        return SsoException.refused("a user named '" + who.username() + "' already exists on this appliance and is"
                + " not linked to this identity provider account; an Admin must rename or remove that user first");
    }

    /**
     * Organisation Admin from an admin group: given when the user is in one, taken away when they
     * no longer are but only if single sign-on gave it (an Admin role given by hand stays).
     */
    private static void grantAdmin(Connection c, long userId, boolean inAdminGroup, boolean grantedBefore)
            throws SQLException {
        if (inAdminGroup == grantedBefore) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(inAdminGroup
                ? "UPDATE users SET is_admin = TRUE WHERE id = ? AND is_admin = FALSE"
                : "UPDATE users SET is_admin = FALSE WHERE id = ?")) {
            ps.setLong(1, userId);
            int changed = ps.executeUpdate();
            // Already an Admin by hand: that role is not single sign-on's to take away later.
            boolean granted = inAdminGroup && changed == 1;
            try (PreparedStatement link = c.prepareStatement(
                    "UPDATE external_identities SET admin_granted = ? WHERE user_id = ?")) {
                link.setBoolean(1, granted);
                link.setLong(2, userId);
                link.executeUpdate();
            }
        }
    }

    /** Replaces the memberships single sign-on granted; memberships set by hand stay as they are. */
    private static void grantTeams(Connection c, long userId, AccessRules.Plan plan) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM team_members WHERE user_id = ? AND source = 'SSO'")) {
            ps.setLong(1, userId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO team_members (user_id, team_id, role, source)"
                + " SELECT ?, id, ?, 'SSO' FROM teams WHERE id = ? AND NOT EXISTS"
                + " (SELECT 1 FROM team_members WHERE user_id = ? AND team_id = ?)")) {
            for (AccessRules.Grant g : plan.teams().values()) {
                ps.setLong(1, userId);
                ps.setString(2, g.role().name());
                ps.setLong(3, g.teamId());
                ps.setLong(4, userId);
                ps.setLong(5, g.teamId());
                ps.executeUpdate();
            }
        }
    }

    private static User load(Connection c, long userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, username, is_admin, must_change_password FROM users WHERE id = ?")) {
            ps.setLong(1, userId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("user " + userId + " vanished during sign-in");
                }
                return new User(rs.getLong(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4));
            }
        }
    }
}
