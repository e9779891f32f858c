package dev.telltale.sbom.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telltale.db.Sql;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The imported SBOMs of component versions (table {@code sbom_imports}): one per version, replaced on re-import. */
final class Imports {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> LIST = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() {
    };

    private final DataSource ds;

    Imports(DataSource ds) {
        this.ds = ds;
    }

    Sbom.ImportSummary replace(long versionId, Imported.Bom bom, String by, Instant at) {
        return Sql.inTransaction(ds, c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM sbom_imports WHERE version_id = ?")) {
                del.setLong(1, versionId);
                del.executeUpdate();
            }
            long id;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO sbom_imports (version_id, tool, format,"
                    + " spec_version, serial_number, imported_by, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, versionId);
                ps.setString(2, bom.tool());
                ps.setString(3, bom.format());
                ps.setString(4, bom.specVersion());
                ps.setString(5, bom.serialNumber().orElse(null));
                ps.setString(6, by);
                Sql.setInstant(ps, 7, at);
                ps.executeUpdate();
                id = Sql.generatedId(ps);
            }
            insertComponents(c, id, bom.components());
            return new Sbom.ImportSummary(bom.tool(), bom.format(), bom.specVersion(), bom.components().size(), by, at);
        });
    }

    private static void insertComponents(Connection c, long importId, List<Imported> components) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO sbom_import_components (import_id, position, type,"
                + " purl, grp, name, version, licences, hashes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int pos = 0;
            for (Imported i : components) {
                ps.setLong(1, importId);
                ps.setInt(2, pos++);
                ps.setString(3, i.type());
                ps.setString(4, i.purl().orElse(null));
                ps.setString(5, i.group().orElse(null));
                ps.setString(6, i.name());
                ps.setString(7, i.version().orElse(null));
                ps.setString(8, json(i.licences()));
                ps.setString(9, json(i.hashes()));
                ps.addBatch();
                if (pos % 500 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
    }

    Optional<Sbom.ImportSummary> summary(long versionId) {
        return Sql.inTransaction(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT i.tool, i.format, i.spec_version, i.imported_by,"
                    + " i.imported_at, (SELECT COUNT(*) FROM sbom_import_components m WHERE m.import_id = i.id)"
                    + " FROM sbom_imports i WHERE i.version_id = ?")) {
                ps.setLong(1, versionId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Sbom.ImportSummary(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getInt(6), rs.getString(4), Sql.instant(rs, "imported_at").orElseThrow()));
                }
            }
        });
    }

    List<Imported> components(long versionId) {
        return Sql.inTransaction(ds, c -> {
            List<Imported> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT m.type, m.purl, m.grp, m.name, m.version, m.licences,"
                    + " m.hashes FROM sbom_import_components m JOIN sbom_imports i ON i.id = m.import_id"
                    + " WHERE i.version_id = ? ORDER BY m.position")) {
                ps.setLong(1, versionId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Imported(rs.getString(1), Optional.ofNullable(rs.getString(2)),
                                Optional.ofNullable(rs.getString(3)), rs.getString(4), Optional.ofNullable(rs.getString(5)),
                                read(rs.getString(6), LIST), read(rs.getString(7), MAP)));
                    }
                }
            }
            return out;
        });
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T read(String s, TypeReference<T> type) {
        try {
            return JSON.readValue(s, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("corrupt imported component row", e);
        }
    }
}
