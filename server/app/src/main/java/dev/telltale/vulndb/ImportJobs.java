package dev.telltale.vulndb;

import dev.telltale.audit.Audit;
import dev.telltale.db.Database;
import dev.telltale.db.Sql;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Import jobs in {@code vuln_imports}: created (and audited) when queued, saved when they end. */
final class ImportJobs {
    private static final String COLUMNS = "id, source, actor, state, total, processed, imported, skipped, removed,"
            + " invalid, invalid_samples, error, created_at, finished_at";
    private final Database db;

    ImportJobs(Database db) {
        this.db = db;
    }

    JobProgress create(String source, String actor, Instant now) {
        long id = Sql.inTransaction(db.dataSource(), c -> {
            long jobId;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO vuln_imports (source, actor, state, total,"
                    + " processed, imported, skipped, removed, invalid, created_at) VALUES (?, ?, 'QUEUED', 0, 0, 0, 0, 0, 0, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, source);
                ps.setString(2, clip(actor, 100));
                Sql.setInstant(ps, 3, now);
                ps.executeUpdate();
                jobId = Sql.generatedId(ps);
            }
            Audit.record(c, now, actor, "vulndb.import", "import " + jobId, Optional.of("source " + source));
            return jobId;
        });
        return new JobProgress(id, source, actor, now);
    }

    void save(ImportJob j) {
        Sql.inTransaction(db.dataSource(), c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE vuln_imports SET state = ?, total = ?, processed = ?,"
                    + " imported = ?, skipped = ?, removed = ?, invalid = ?, invalid_samples = ?, error = ?, finished_at = ?"
                    + " WHERE id = ?")) {
                ps.setString(1, j.state().name());
                ps.setInt(2, j.total());
                ps.setInt(3, j.processed());
                ps.setInt(4, j.imported());
                ps.setInt(5, j.skipped());
                ps.setInt(6, j.removed());
                ps.setInt(7, j.invalid());
                ps.setString(8, samples(j.invalidSamples()));
                ps.setString(9, j.error().map(e -> clip(e, 1000)).orElse(null));
                Sql.setInstant(ps, 10, j.finished());
                ps.setLong(11, j.id());
                ps.executeUpdate();
            }
            return null;
        });
    }

    Optional<ImportJob> byId(long id) {
        return one("SELECT " + COLUMNS + " FROM vuln_imports WHERE id = " + id);
    }

    Optional<ImportJob> latest() {
        return one("SELECT " + COLUMNS + " FROM vuln_imports ORDER BY id DESC FETCH FIRST 1 ROWS ONLY");
    }

    Optional<Instant> lastSuccess() {
        return one("SELECT " + COLUMNS + " FROM vuln_imports WHERE state = 'SUCCEEDED' ORDER BY id DESC"
                + " FETCH FIRST 1 ROWS ONLY").flatMap(ImportJob::finished);
    }

    /** Jobs left QUEUED or RUNNING by a process that stopped: they will never finish. */
    void failAbandoned(Instant now) {
        Sql.inTransaction(db.dataSource(), c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE vuln_imports SET state = 'FAILED', error = ?,"
                    + " finished_at = ? WHERE state IN ('QUEUED', 'RUNNING')")) {
                ps.setString(1, "the appliance stopped before the import finished");
                Sql.setInstant(ps, 2, now);
                ps.executeUpdate();
            }
            return null;
        });
    }

    private Optional<ImportJob> one(String sql) {
        return Sql.inTransaction(db.dataSource(), c -> {
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        });
    }

    private static ImportJob read(ResultSet rs) throws SQLException {
        return new ImportJob(rs.getLong("id"), rs.getString("source"), rs.getString("actor"),
                ImportJob.State.valueOf(rs.getString("state")), rs.getInt("total"), rs.getInt("processed"),
                rs.getInt("imported"), rs.getInt("skipped"), rs.getInt("removed"), rs.getInt("invalid"),
                parseSamples(rs.getString("invalid_samples")), Optional.ofNullable(rs.getString("error")),
                Sql.instant(rs, "created_at").orElseThrow(), Sql.instant(rs, "finished_at"));
    }

    // One sample per line, record and reason separated by a tab (neither holds a line break or tab).
    private static String samples(List<ImportJob.Invalid> samples) {
        StringBuilder b = new StringBuilder();
        for (ImportJob.Invalid i : samples) {
            String line = flat(i.record()) + "\t" + flat(i.reason()) + "\n";
            if (b.length() + line.length() > 4000) {
                break;
            }
            b.append(line);
        }
        return b.toString();
    }

    private static List<ImportJob.Invalid> parseSamples(String text) {
        List<ImportJob.Invalid> out = new ArrayList<>();
        if (text != null) {
            for (String line : text.split("\n")) {
                int tab = line.indexOf('\t');
                if (tab > 0) {
                    out.add(new ImportJob.Invalid(line.substring(0, tab), line.substring(tab + 1)));
                }
            }
        }
        return out;
    }

    private static String flat(String s) {
        return clip(s.replace('\n', ' ').replace('\t', ' ').replace('\r', ' '), 300);
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
