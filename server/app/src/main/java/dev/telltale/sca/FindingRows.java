package dev.telltale.sca;

import dev.telltale.alerts.TriageState;
import dev.telltale.db.DatabaseException;
import dev.telltale.db.Sql;
import dev.telltale.sbom.Inventory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@code sca_findings} table: replace one version's findings, and read them back filtered. */
final class FindingRows {
    /** The finding's columns and its triage state (over {@code sca_findings f LEFT JOIN sca_triage t}). */
    private static final String COLUMNS = "f.id, f.team_id, f.application, f.component, f.version, f.purl, f.package_name,"
            + " f.package_version, f.ecosystem, f.advisory_id, f.aliases, f.summary, f.cvss_score, f.cvss_vector,"
            + " f.severity, f.fixed_versions, f.loaded, f.alerted, f.first_found, f.last_scanned, "
            + FindingTriage.EFFECTIVE_STATE + " AS triage_state, t.expires_at AS triage_expires";
    private static final String FROM = " FROM sca_findings f LEFT JOIN sca_triage t ON t.team_id = f.team_id"
            + " AND t.tkey = f.tkey";
    private final DataSource ds;

    FindingRows(DataSource ds) {
        this.ds = ds;
    }

    /** Distinct purls of {@code ecosystem} packages with findings in a component version, at most {@code limit}. */
    List<String> vulnerablePurls(long teamId, String application, String component, String version, String ecosystem,
                                 int limit) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT DISTINCT purl FROM sca_findings WHERE team_id = ?"
                     + " AND application = ? AND component = ? AND version = ? AND ecosystem = ? ORDER BY purl")) {
            ps.setLong(1, teamId);
            ps.setString(2, application);
            ps.setString(3, component);
            ps.setString(4, version);
            ps.setString(5, ecosystem);
            ps.setMaxRows(limit);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new DatabaseException("reading vulnerable packages failed", e);
        }
    }

    /** A finding of a scan before it is stored: its key identifies it across scans. */
    record Candidate(String key, Sca.VulnFinding finding) {
    }

    /** As {@link #replace(Connection, Inventory.VersionRef, List, Instant, List)}, not asking which are new. */
    List<Candidate> replace(Connection tx, Inventory.VersionRef ref, List<Candidate> found, Instant now)
            throws SQLException {
        return replace(tx, ref, found, now, new ArrayList<>());
    }

    /**
     * Makes the stored findings of {@code ref} exactly {@code found} (inside {@code tx}), keeping
     * each existing finding's first-found time and alerted flag.
     *
     * @param added receives the candidates found for the first time
     * @return the candidates that are new, or newly loaded, and not yet alerted
     */
    List<Candidate> replace(Connection tx, Inventory.VersionRef ref, List<Candidate> found, Instant now,
                            List<Candidate> added) throws SQLException {
        Map<String, boolean[]> existing = new HashMap<>(); // key -> {loaded, alerted}
        try (PreparedStatement ps = tx.prepareStatement("SELECT fkey, loaded, alerted FROM sca_findings WHERE team_id = ?"
                + " AND application = ? AND component = ? AND version = ?")) {
            bindRef(ps, ref);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    existing.put(rs.getString(1), new boolean[]{rs.getBoolean(2), rs.getBoolean(3)});
                }
            }
        }
        List<Candidate> fresh = new ArrayList<>();
        for (Candidate c : found) {
            boolean[] old = existing.remove(c.key());
            if (old == null) {
                insert(tx, ref, c, now);
                added.add(c);
            } else {
                update(tx, ref, c, now);
            }
            if (old == null || !old[1]) {
                fresh.add(c);
            }
        }
        for (String gone : existing.keySet()) {
            try (PreparedStatement ps = tx.prepareStatement("DELETE FROM sca_findings WHERE team_id = ? AND fkey = ?")) {
                ps.setLong(1, ref.teamId());
                ps.setString(2, gone);
                ps.executeUpdate();
            }
        }
        return fresh;
    }

    void markAlerted(Connection tx, long teamId, List<Candidate> alerted) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("UPDATE sca_findings SET alerted = TRUE WHERE team_id = ? AND fkey = ?")) {
            for (Candidate c : alerted) {
                ps.setLong(1, teamId);
                ps.setString(2, c.key());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void insert(Connection tx, Inventory.VersionRef ref, Candidate c, Instant now) throws SQLException {
        Sca.VulnFinding f = c.finding();
        try (PreparedStatement ps = tx.prepareStatement("INSERT INTO sca_findings (team_id, application, component,"
                + " version, fkey, purl, package_name, package_version, ecosystem, advisory_id, aliases, summary,"
                + " cvss_score, cvss_vector, severity, fixed_versions, loaded, first_found, last_scanned, tkey)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            bindRef(ps, ref);
            ps.setString(5, c.key());
            ps.setString(6, clip(f.purl(), 2048));
            ps.setString(7, clip(f.packageName(), 512));
            ps.setString(8, clip(f.packageVersion(), 256));
            ps.setString(9, clip(f.ecosystem(), 64));
            ps.setString(10, clip(f.advisoryId(), 128));
            ps.setString(11, clip(String.join(",", f.aliases()), 2048));
            ps.setString(12, clip(f.summary(), 1000));
            if (f.cvssScore().isPresent()) {
                ps.setDouble(13, f.cvssScore().get());
            } else {
                ps.setNull(13, java.sql.Types.DOUBLE);
            }
            ps.setString(14, f.cvssVector().map(v -> clip(v, 256)).orElse(null));
            ps.setString(15, clip(f.severity(), 16));
            ps.setString(16, clip(String.join(",", f.fixedVersions()), 1024));
            ps.setBoolean(17, f.loaded());
            Sql.setInstant(ps, 18, now);
            Sql.setInstant(ps, 19, now);
            ps.setString(20, triageKey(f));
            ps.executeUpdate();
        }
    }

    private static void update(Connection tx, Inventory.VersionRef ref, Candidate c, Instant now) throws SQLException {
        Sca.VulnFinding f = c.finding();
        try (PreparedStatement ps = tx.prepareStatement("UPDATE sca_findings SET loaded = ?, summary = ?, cvss_score = ?,"
                + " cvss_vector = ?, severity = ?, fixed_versions = ?, aliases = ?, last_scanned = ?, tkey = ?"
                + " WHERE team_id = ? AND fkey = ?")) {
            ps.setBoolean(1, f.loaded());
            ps.setString(2, clip(f.summary(), 1000));
            if (f.cvssScore().isPresent()) {
                ps.setDouble(3, f.cvssScore().get());
            } else {
                ps.setNull(3, java.sql.Types.DOUBLE);
            }
            ps.setString(4, f.cvssVector().map(v -> clip(v, 256)).orElse(null));
            ps.setString(5, clip(f.severity(), 16));
            ps.setString(6, clip(String.join(",", f.fixedVersions()), 1024));
            ps.setString(7, clip(String.join(",", f.aliases()), 2048));
            Sql.setInstant(ps, 8, now);
            ps.setString(9, triageKey(f));
            ps.setLong(10, ref.teamId());
            ps.setString(11, c.key());
            ps.executeUpdate();
        }
    }

    private static String triageKey(Sca.VulnFinding f) {
        return FindingTriage.key(f.application(), f.component(), f.ecosystem(), f.packageName(), f.advisoryId());
    }

    Optional<Sca.VulnFinding> byId(long id, Instant now) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + FROM
                + " WHERE f.id = ?")) {
            Sql.setInstant(ps, 1, now);
            ps.setLong(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new DatabaseException("cannot read vulnerability finding " + id, e);
        }
    }

    List<Sca.VulnFinding> query(Sca.FindingQuery q, Instant now) {
        if (!q.scope().all() && q.scope().teams().isEmpty()) {
            return List.of();
        }
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + FROM + " WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        args.add(now);
        if (!q.scope().all()) {
            sql.append(" AND f.team_id IN (").append(String.join(", ", q.scope().teams().stream().map(String::valueOf)
                    .toList())).append(')');
        }
        q.application().ifPresent(v -> { sql.append(" AND f.application = ?"); args.add(v); });
        q.component().ifPresent(v -> { sql.append(" AND f.component = ?"); args.add(v); });
        q.version().ifPresent(v -> { sql.append(" AND f.version = ?"); args.add(v); });
        q.severity().ifPresent(v -> { sql.append(" AND f.severity = ?"); args.add(v); });
        q.loaded().ifPresent(v -> { sql.append(" AND f.loaded = ?"); args.add(v); });
        q.state().ifPresent(v -> {
            sql.append(" AND " + FindingTriage.EFFECTIVE_STATE + " = ?");
            args.add(now);
            args.add(v.name());
        });
        sql.append(" ORDER BY f.cvss_score DESC NULLS LAST, f.id");
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            ps.setMaxRows(q.limit());
            for (int i = 0; i < args.size(); i++) {
                if (args.get(i) instanceof Boolean b) {
                    ps.setBoolean(i + 1, b);
                } else if (args.get(i) instanceof Instant t) {
                    Sql.setInstant(ps, i + 1, t);
                } else {
                    ps.setString(i + 1, (String) args.get(i));
                }
            }
            List<Sca.VulnFinding> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new DatabaseException("cannot read vulnerability findings", e);
        }
    }

    private static Sca.VulnFinding read(ResultSet rs) throws SQLException {
        double score = rs.getDouble("cvss_score");
        Optional<Double> cvss = rs.wasNull() ? Optional.empty() : Optional.of(score);
        TriageState state = TriageState.valueOf(rs.getString("triage_state"));
        return new Sca.VulnFinding(rs.getLong("id"), rs.getLong("team_id"), rs.getString("application"),
                rs.getString("component"), rs.getString("version"), rs.getString("purl"), rs.getString("package_name"),
                rs.getString("package_version"), rs.getString("ecosystem"), rs.getString("advisory_id"),
                list(rs.getString("aliases")), rs.getString("summary"), cvss, Optional.ofNullable(rs.getString("cvss_vector")),
                rs.getString("severity"), list(rs.getString("fixed_versions")), rs.getBoolean("loaded"),
                rs.getBoolean("alerted"), Sql.instant(rs, "first_found").orElseThrow(),
                Sql.instant(rs, "last_scanned").orElseThrow(), state,
                state == TriageState.RISK_ACCEPTED ? Sql.instant(rs, "triage_expires") : Optional.empty());
    }

    private static List<String> list(String csv) {
        return csv == null || csv.isEmpty() ? List.of() : Arrays.asList(csv.split(","));
    }

    private static void bindRef(PreparedStatement ps, Inventory.VersionRef ref) throws SQLException {
        ps.setLong(1, ref.teamId());
        ps.setString(2, ref.application());
        ps.setString(3, ref.component());
        ps.setString(4, ref.version());
    }

    static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
