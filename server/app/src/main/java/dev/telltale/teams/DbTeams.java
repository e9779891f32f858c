package dev.telltale.teams;

import dev.telltale.db.Database;
import dev.telltale.db.DatabaseException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Teams read from the {@code teams} table. */
final class DbTeams implements Teams {
    private final Database db;

    DbTeams(Database db) {
        this.db = db;
    }

    @Override
    public Optional<Team> byName(String name) {
        return one("SELECT id, name FROM teams WHERE name = ?", ps -> ps.setString(1, name));
    }

    @Override
    public Optional<Team> byId(long id) {
        return one("SELECT id, name FROM teams WHERE id = ?", ps -> ps.setLong(1, id));
    }

    @Override
    public List<Team> list() {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, name FROM teams ORDER BY name");
             ResultSet rs = ps.executeQuery()) {
            List<Team> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new Team(rs.getLong(1), rs.getString(2)));
            }
            return out;
        } catch (SQLException e) {
            throw new DatabaseException("cannot list teams", e);
        }
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private Optional<Team> one(String sql, Binder binder) {
        try (Connection c = db.dataSource().getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Team(rs.getLong(1), rs.getString(2))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot read teams", e);
        }
    }
}
