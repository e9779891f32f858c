package dev.telltale.sbom;

import dev.telltale.db.Database;
import dev.telltale.db.DatabaseException;
import dev.telltale.db.Sql;
import dev.telltale.store.Scope;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The inventory as {@link InventoryRecorder} stored it. Loaded files are mapped to packages when
 * read, not when recorded, so a library loaded before its host's package list arrived (or after a
 * restart) still finds its owner.
 */
public final class DbInventory implements Inventory {
    private final Database db;

    public DbInventory(Database db) {
        this.db = db;
    }

    @Override
    public Optional<VersionInventory> of(VersionRef ref, Scope scope) {
        if (!sees(scope, ref.teamId())) {
            return Optional.empty();
        }
        try (Connection c = db.dataSource().getConnection()) {
            Optional<Long> id = InventoryWriter.versionId(c, new Facts.Key(ref.teamId(), ref.application(),
                    ref.component(), ref.version()));
            if (id.isEmpty()) {
                return Optional.empty();
            }
            Instant updated;
            try (PreparedStatement ps = c.prepareStatement("SELECT updated_at FROM inv_versions WHERE id = ?")) {
                ps.setLong(1, id.get());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    updated = Sql.instant(rs, "updated_at").orElseThrow();
                }
            }
            return Optional.of(new VersionInventory(ref, InventoryReader.packages(c, id.get()),
                    InventoryReader.runtime(c, id.get()), updated));
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the inventory of " + ref, e);
        }
    }

    @Override
    public List<VersionRef> versions(Scope scope) {
        if (!scope.all() && scope.teams().isEmpty()) {
            return List.of();
        }
        StringBuilder sql = new StringBuilder("SELECT team_id, application, component, version FROM inv_versions");
        List<Long> teams = List.copyOf(scope.teams());
        if (!scope.all()) {
            sql.append(" WHERE team_id IN (").append(String.join(", ", Collections.nCopies(teams.size(), "?"))).append(')');
        }
        sql.append(" ORDER BY application, component, updated_at DESC");
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(sql.toString())) {
            if (!scope.all()) {
                for (int i = 0; i < teams.size(); i++) {
                    ps.setLong(i + 1, teams.get(i));
                }
            }
            List<VersionRef> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new VersionRef(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new DatabaseException("cannot list inventories", e);
        }
    }

    private static boolean sees(Scope scope, long teamId) {
        return scope.all() || scope.teams().contains(teamId);
    }
}
