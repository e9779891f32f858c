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

    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N} ._:-]{0,99}");

    @Override
    public Team create(String name, String actor) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a team name is 1-100 letters, digits, spaces or . _ : -, starting with a letter or digit");
        }
        try {
            return dev.telltale.db.Sql.inTransaction(db.dataSource(), c -> {
                long org;
                try (PreparedStatement ps = c.prepareStatement("SELECT id FROM organisations WHERE name = 'default'");
                     java.sql.ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("the default organisation is missing");
                    }
                    org = rs.getLong(1);
                }
                long id;
                // VALUES, not INSERT ... SELECT: Derby returns no generated key for the latter.
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO teams (organisation_id, name) VALUES (?, ?)",
                        java.sql.Statement.RETURN_GENERATED_KEYS)) {
                    ps.setLong(1, org);
                    ps.setString(2, name);
                    ps.executeUpdate();
                    id = dev.telltale.db.Sql.generatedId(ps);
                }
                dev.telltale.audit.Audit.record(c, java.time.Instant.now(), actor, "team.create", "team:" + name,
                        java.util.Optional.empty());
                return new Team(id, name);
            });
        } catch (DatabaseException e) {
            if (e.getCause() instanceof SQLException x && dev.telltale.db.Sql.isDuplicateKey(x)) {
                throw new IllegalArgumentException("a team named '" + name + "' already exists");
            }
            throw e;
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
