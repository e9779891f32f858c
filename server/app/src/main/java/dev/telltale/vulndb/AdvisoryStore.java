package dev.telltale.vulndb;

import dev.telltale.db.Database;
import dev.telltale.db.Sql;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Advisories in Derby (V13): written in batches by imports, read back whole to build the index. */
final class AdvisoryStore {
    private final Database db;

    AdvisoryStore(Database db) {
        this.db = db;
    }

    /** Each stored advisory's {@code modified}, to skip records an import already has. */
    Map<String, Instant> modifiedById() {
        return Sql.inTransaction(db.dataSource(), c -> {
            Map<String, Instant> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, modified FROM vuln_advisories");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), Sql.instant(rs, "modified").orElseThrow());
                }
            }
            return out;
        });
    }

    /** Replaces {@code upserts} (by id) and deletes {@code deletes}, in one transaction. */
    void apply(List<Advisory> upserts, List<String> deletes, Instant now) {
        Sql.inTransaction(db.dataSource(), c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM vuln_advisories WHERE id = ?")) {
                for (String id : deletes) {
                    del.setString(1, id);
                    del.addBatch();
                }
                for (Advisory a : upserts) {
                    del.setString(1, a.id());
                    del.addBatch();
                }
                del.executeBatch();
            }
            insert(c, upserts, now);
            return null;
        });
    }

    private static void insert(Connection c, List<Advisory> advisories, Instant now) throws SQLException {
        try (PreparedStatement adv = c.prepareStatement("INSERT INTO vuln_advisories (id, modified, published, summary,"
                + " details, cvss_vector, cvss_score, severity, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
             PreparedStatement alias = c.prepareStatement("INSERT INTO vuln_aliases (advisory_id, alias) VALUES (?, ?)");
             PreparedStatement aff = c.prepareStatement("INSERT INTO vuln_affected (advisory_id, idx, ecosystem, name, purl)"
                     + " VALUES (?, ?, ?, ?, ?)");
             PreparedStatement range = c.prepareStatement("INSERT INTO vuln_ranges (advisory_id, affected_idx, idx,"
                     + " range_type, repo) VALUES (?, ?, ?, ?, ?)");
             PreparedStatement event = c.prepareStatement("INSERT INTO vuln_events (advisory_id, affected_idx, range_idx,"
                     + " idx, kind, version) VALUES (?, ?, ?, ?, ?, ?)");
             PreparedStatement version = c.prepareStatement("INSERT INTO vuln_versions (advisory_id, affected_idx, idx,"
                     + " version) VALUES (?, ?, ?, ?)")) {
            for (Advisory a : advisories) {
                adv.setString(1, a.id());
                Sql.setInstant(adv, 2, a.modified());
                Sql.setInstant(adv, 3, a.published());
                adv.setString(4, a.summary());
                adv.setString(5, a.details());
                adv.setString(6, a.cvssVector().orElse(null));
                if (a.cvssScore().isPresent()) {
                    adv.setBigDecimal(7, BigDecimal.valueOf(a.cvssScore().get()));
                } else {
                    adv.setNull(7, Types.DECIMAL);
                }
                adv.setString(8, a.severity());
                Sql.setInstant(adv, 9, now);
                adv.addBatch();
                for (String al : a.aliases()) {
                    alias.setString(1, a.id());
                    alias.setString(2, al);
                    alias.addBatch();
                }
                for (int i = 0; i < a.affected().size(); i++) {
                    Advisory.Affected af = a.affected().get(i);
                    aff.setString(1, a.id());
                    aff.setInt(2, i);
                    aff.setString(3, af.ecosystem());
                    aff.setString(4, af.name());
                    aff.setString(5, af.purl().orElse(null));
                    aff.addBatch();
                    for (int r = 0; r < af.ranges().size(); r++) {
                        Advisory.Range rg = af.ranges().get(r);
                        range.setString(1, a.id());
                        range.setInt(2, i);
                        range.setInt(3, r);
                        range.setString(4, rg.type().name());
                        range.setString(5, rg.repo().orElse(null));
                        range.addBatch();
                        for (int e = 0; e < rg.events().size(); e++) {
                            event.setString(1, a.id());
                            event.setInt(2, i);
                            event.setInt(3, r);
                            event.setInt(4, e);
                            event.setString(5, rg.events().get(e).kind().name());
                            event.setString(6, rg.events().get(e).version());
                            event.addBatch();
                        }
                    }
                    for (int v = 0; v < af.versions().size(); v++) {
                        version.setString(1, a.id());
                        version.setInt(2, i);
                        version.setInt(3, v);
                        version.setString(4, af.versions().get(v));
                        version.addBatch();
                    }
                }
            }
            // Parents before children: the foreign keys are checked row by row.
            adv.executeBatch();
            alias.executeBatch();
            aff.executeBatch();
            range.executeBatch();
            event.executeBatch();
            version.executeBatch();
        }
    }

    /** Every stored advisory without its details, for the match index. */
    List<Advisory> loadAll() {
        return Sql.inTransaction(db.dataSource(), c -> {
            Map<String, Builder> byId = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, modified, published, summary, cvss_vector,"
                    + " cvss_score, severity FROM vuln_advisories"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    BigDecimal score = rs.getBigDecimal("cvss_score");
                    byId.put(rs.getString("id"), new Builder(rs.getString("id"), Sql.instant(rs, "modified").orElseThrow(),
                            Sql.instant(rs, "published"), Optional.ofNullable(rs.getString("summary")).orElse(""),
                            Optional.ofNullable(rs.getString("cvss_vector")),
                            Optional.ofNullable(score).map(BigDecimal::doubleValue), rs.getString("severity")));
                }
            }
            query(c, "SELECT advisory_id, alias FROM vuln_aliases ORDER BY advisory_id, alias",
                    rs -> byId.get(rs.getString(1)).aliases.add(rs.getString(2)));
            query(c, "SELECT advisory_id, idx, ecosystem, name, purl FROM vuln_affected ORDER BY advisory_id, idx",
                    rs -> byId.get(rs.getString(1)).affected.add(new AffectedBuilder(rs.getString(3), rs.getString(4),
                            Optional.ofNullable(rs.getString(5)))));
            query(c, "SELECT advisory_id, affected_idx, range_type, repo FROM vuln_ranges ORDER BY advisory_id,"
                    + " affected_idx, idx", rs -> byId.get(rs.getString(1)).affected.get(rs.getInt(2)).ranges.add(
                    new RangeBuilder(Advisory.RangeType.valueOf(rs.getString(3)), Optional.ofNullable(rs.getString(4)))));
            query(c, "SELECT advisory_id, affected_idx, range_idx, kind, version FROM vuln_events ORDER BY advisory_id,"
                    + " affected_idx, range_idx, idx", rs -> byId.get(rs.getString(1)).affected.get(rs.getInt(2))
                    .ranges.get(rs.getInt(3)).events.add(new Advisory.Event(Advisory.Kind.valueOf(rs.getString(4)),
                            rs.getString(5))));
            query(c, "SELECT advisory_id, affected_idx, version FROM vuln_versions ORDER BY advisory_id, affected_idx, idx",
                    rs -> byId.get(rs.getString(1)).affected.get(rs.getInt(2)).versions.add(rs.getString(3)));
            List<Advisory> out = new ArrayList<>(byId.size());
            byId.values().forEach(b -> out.add(b.build()));
            return out;
        });
    }

    @FunctionalInterface
    private interface Row {
        void accept(ResultSet rs) throws SQLException;
    }

    private static void query(Connection c, String sql, Row row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                row.accept(rs);
            }
        }
    }

    private record Builder(String id, Instant modified, Optional<Instant> published, String summary,
                           Optional<String> vector, Optional<Double> score, String severity, List<String> aliases,
                           List<AffectedBuilder> affected) {
        Builder(String id, Instant modified, Optional<Instant> published, String summary, Optional<String> vector,
                Optional<Double> score, String severity) {
            this(id, modified, published, summary, vector, score, severity, new ArrayList<>(), new ArrayList<>());
        }

        Advisory build() {
            return new Advisory(id, modified, published, false, List.copyOf(aliases), summary, "", vector, score,
                    severity, affected.stream().map(AffectedBuilder::build).toList());
        }
    }

    private record AffectedBuilder(String ecosystem, String name, Optional<String> purl, List<RangeBuilder> ranges,
                                   List<String> versions) {
        AffectedBuilder(String ecosystem, String name, Optional<String> purl) {
            this(ecosystem, name, purl, new ArrayList<>(), new ArrayList<>());
        }

        Advisory.Affected build() {
            return new Advisory.Affected(ecosystem, name, purl, ranges.stream().map(RangeBuilder::build).toList(),
                    List.copyOf(versions));
        }
    }

    private record RangeBuilder(Advisory.RangeType type, Optional<String> repo, List<Advisory.Event> events) {
        RangeBuilder(Advisory.RangeType type, Optional<String> repo) {
            this(type, repo, new ArrayList<>());
        }

        Advisory.Range build() {
            return new Advisory.Range(type, repo, List.copyOf(events));
        }
    }
}
