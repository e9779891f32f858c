package dev.telltale.vulndb;

import dev.telltale.db.Database;
import dev.telltale.sca.version.VersionScheme;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The offline vulnerability database: OSV advisories imported from a zip or a directory into
 * Derby, and matched against packages from an in-memory index by (ecosystem, name) that is
 * loaded at start and after each import. Imports run one at a time on a bounded background
 * executor ({@code vulndb-import}).
 */
public interface VulnDb extends AutoCloseable {

    /**
     * Opens the database with each ecosystem's version order from {@link VersionScheme#forEcosystem},
     * loads the index, and queues a directory import when {@code telltale.vulndb.import-dir} is set.
     *
     * @param dataDir the appliance's data directory (uploads are spooled under {@code vulndb/})
     */
    static VulnDb open(Database db, VulnDbConfig config, Path dataDir, Clock clock) {
        return open(db, config, dataDir, clock, VersionScheme::forEcosystem);
    }

    /** As {@link #open(Database, VulnDbConfig, Path, Clock)} with the version orders given. */
    static VulnDb open(Database db, VulnDbConfig config, Path dataDir, Clock clock,
                       Function<String, Optional<VersionScheme>> schemes) {
        return DefaultVulnDb.open(db, config, dataDir, clock, schemes);
    }

    /**
     * Spools an uploaded zip of OSV records (at most {@code max-archive-bytes}) and queues its import.
     *
     * @return the queued job; it reports progress, invalid records and the outcome
     * @throws VulnDbException TOO_LARGE when the body exceeds the limit, BUSY when the queue is full
     */
    ImportJob importArchive(InputStream zip, String actor);

    /**
     * Queues an import of every {@code *.json} file under the configured directory.
     *
     * @throws VulnDbException NOT_CONFIGURED without {@code import-dir}, BUSY when the queue is full
     */
    ImportJob importDirectory(String actor);

    /** An import job of this appliance by id (running ones with live counts); empty when unknown. */
    Optional<ImportJob> job(long id);

    /** Counts, age (newest {@code modified}), the last finished import and the latest job. */
    VulnDbStatus status();

    /**
     * The advisories that affect each package. Never throws for well-formed queries: packages of
     * an ecosystem without a version order, or with a version that order cannot read, are listed
     * as not evaluated.
     */
    MatchResult match(List<PackageQuery> packages);

    /** Stops the import executor (a running import is interrupted and marked failed). */
    @Override
    void close();
}
