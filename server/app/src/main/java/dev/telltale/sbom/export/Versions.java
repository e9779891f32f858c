package dev.telltale.sbom.export;

import dev.telltale.db.Sql;
import dev.telltale.sbom.Inventory;
import dev.telltale.store.Scope;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Component versions by name, as the agents registered them (tables applications, components, component_versions). */
final class Versions {
    private static final String BY_NAME = "SELECT a.team_id, v.id FROM applications a"
            + " JOIN components m ON m.application_id = a.id JOIN component_versions v ON v.component_id = m.id"
            + " WHERE a.name = ? AND m.name = ? AND v.version = ? ORDER BY a.team_id";
    private static final String BY_REF = "SELECT v.id FROM applications a"
            + " JOIN components m ON m.application_id = a.id JOIN component_versions v ON v.component_id = m.id"
            + " WHERE a.team_id = ? AND a.name = ? AND m.name = ? AND v.version = ?";

    private final DataSource ds;

    Versions(DataSource ds) {
        this.ds = ds;
    }

    List<Inventory.VersionRef> find(String application, String component, String version, Scope scope) {
        return Sql.inTransaction(ds, c -> {
            List<Inventory.VersionRef> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(BY_NAME)) {
                ps.setString(1, application);
                ps.setString(2, component);
                ps.setString(3, version);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long team = rs.getLong(1);
                        if (scope.all() || scope.teams().contains(team)) {
                            out.add(new Inventory.VersionRef(team, application, component, version));
                        }
                    }
                }
            }
            return out;
        });
    }

    /** The row id of a version, when it exists. */
    Optional<Long> id(Inventory.VersionRef ref) {
        return Sql.inTransaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement(BY_REF)) {
                ps.setLong(1, ref.teamId());
                ps.setString(2, ref.application());
                ps.setString(3, ref.component());
                ps.setString(4, ref.version());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
                }
            }
        });
    }
}
