package dev.telltale.rbac;

import dev.telltale.audit.Audit;
import dev.telltale.db.Database;
import dev.telltale.db.DatabaseException;
import dev.telltale.db.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Memberships in Derby's {@code team_members}. */
final class DbMemberships implements Memberships {
    private final Database db;
    private final Clock clock;

    DbMemberships(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public Map<Long, TeamRole> of(long userId) {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT team_id, role FROM team_members WHERE user_id = ?")) {
            ps.setLong(1, userId);
            Map<Long, TeamRole> out = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getLong(1), TeamRole.valueOf(rs.getString(2)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new DatabaseException("cannot read team memberships", e);
        }
    }

    @Override
    public List<Member> members(long teamId) {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT u.id, u.username, m.role FROM team_members m"
                     + " JOIN users u ON u.id = m.user_id WHERE m.team_id = ? ORDER BY u.username")) {
            ps.setLong(1, teamId);
            List<Member> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Member(rs.getLong(1), rs.getString(2), TeamRole.valueOf(rs.getString(3))));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the members of team " + teamId, e);
        }
    }

    @Override
    public void set(long teamId, long userId, TeamRole role, String actor) {
        Sql.inTransaction(db.dataSource(), c -> {
            String team = name(c, "SELECT name FROM teams WHERE id = ?", teamId)
                    .orElseThrow(() -> new RbacException(RbacException.Kind.NOT_FOUND, "no team " + teamId));
            String user = name(c, "SELECT username FROM users WHERE id = ?", userId)
                    .orElseThrow(() -> new RbacException(RbacException.Kind.NOT_FOUND, "no user " + userId));
            int updated;
            // Set by hand, the membership is no longer single sign-on's to replace at the next sign-in.
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE team_members SET role = ?, source = 'MANUAL' WHERE team_id = ? AND user_id = ?")) {
                ps.setString(1, role.name());
                ps.setLong(2, teamId);
                ps.setLong(3, userId);
                updated = ps.executeUpdate();
            }
            if (updated == 0) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO team_members (user_id, team_id, role) VALUES (?, ?, ?)")) {
                    ps.setLong(1, userId);
                    ps.setLong(2, teamId);
                    ps.setString(3, role.name());
                    ps.executeUpdate();
                }
            }
            Audit.record(c, clock.instant(), actor, "team.member.set", team + "/" + user, Optional.of(role.name()));
            return null;
        });
    }

    @Override
    public boolean remove(long teamId, long userId, String actor) {
        return Sql.inTransaction(db.dataSource(), c -> {
            int n;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM team_members WHERE team_id = ? AND user_id = ?")) {
                ps.setLong(1, teamId);
                ps.setLong(2, userId);
                n = ps.executeUpdate();
            }
            if (n > 0) {
                Audit.record(c, clock.instant(), actor, "team.member.remove", teamId + "/" + userId, Optional.empty());
            }
            return n > 0;
        });
    }

    private static Optional<String> name(Connection c, String sql, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }
}
