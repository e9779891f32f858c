package dev.telltale.vulndb;

import dev.telltale.db.Database;
import dev.telltale.sca.version.VersionScheme;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * The vulnerability database: imports on one background thread with a short queue, the match
 * index swapped in whole after each import that changed something.
 */
final class DefaultVulnDb implements VulnDb {
    private static final Logger LOG = Logger.getLogger(DefaultVulnDb.class.getName());

    private final AdvisoryStore store;
    private final ImportJobs jobs;
    private final VulnDbConfig config;
    private final Path spool;
    private final Clock clock;
    private final Function<String, Optional<VersionScheme>> schemes;
    private final ThreadPoolExecutor executor;
    private final Map<Long, JobProgress> live = new ConcurrentHashMap<>();
    private volatile MatchIndex index;

    private DefaultVulnDb(Database db, VulnDbConfig config, Path spool, Clock clock,
                          Function<String, Optional<VersionScheme>> schemes) {
        this.store = new AdvisoryStore(db);
        this.jobs = new ImportJobs(db);
        this.config = config;
        this.spool = spool;
        this.clock = clock;
        this.schemes = schemes;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(config.queuedImports()), r -> {
            Thread t = new Thread(r, "vulndb-import");
            t.setDaemon(true);
            return t;
        });
    }

    static VulnDb open(Database db, VulnDbConfig config, Path dataDir, Clock clock,
                       Function<String, Optional<VersionScheme>> schemes) {
        Path spool = dataDir.resolve("vulndb").resolve("uploads");
        try {
            Files.createDirectories(spool);
            try (Stream<Path> old = Files.list(spool)) {
                for (Path p : old.toList()) {
                    Files.deleteIfExists(p); // uploads of imports that never ran
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + spool, e);
        }
        DefaultVulnDb v = new DefaultVulnDb(db, config, spool, clock, schemes);
        v.jobs.failAbandoned(clock.instant());
        long t0 = System.nanoTime();
        v.index = MatchIndex.build(v.store.loadAll());
        LOG.info(() -> "vulnerability database: " + v.index.advisories() + " advisories loaded in "
                + (System.nanoTime() - t0) / 1_000_000 + " ms");
        if (config.importDir().isPresent()) {
            try {
                v.importDirectory("system");
            } catch (VulnDbException e) {
                LOG.warning("the start-up import of the vulnerability database was not queued: " + e.getMessage());
            }
        }
        return v;
    }

    @Override
    public ImportJob importArchive(InputStream zip, String actor) {
        requireRoom();
        Path file;
        try {
            file = Files.createTempFile(spool, "upload-", ".zip");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spool the upload", e);
        }
        try {
            copyBounded(zip, file);
            if (!ZipSource.looksLikeZip(file)) {
                throw new VulnDbException(VulnDbException.Kind.NOT_ZIP, "the body is not a zip archive");
            }
        } catch (IOException e) {
            deleteQuietly(file);
            throw new UncheckedIOException("cannot read the upload", e);
        } catch (RuntimeException e) {
            deleteQuietly(file);
            throw e;
        }
        return submit("upload", actor, new ZipSource(file, config), () -> deleteQuietly(file));
    }

    @Override
    public ImportJob importDirectory(String actor) {
        Path dir = config.importDir().orElseThrow(() -> new VulnDbException(VulnDbException.Kind.NOT_CONFIGURED,
                "no import directory is configured (telltale.vulndb.import-dir)"));
        requireRoom();
        return submit("directory", actor, new DirectorySource(dir, config), () -> {
        });
    }

    private void requireRoom() {
        if (executor.getQueue().remainingCapacity() == 0) {
            throw new VulnDbException(VulnDbException.Kind.BUSY, "an import is running and "
                    + config.queuedImports() + " more are waiting; try again when one has finished");
        }
    }

    private ImportJob submit(String source, String actor, RecordSource records, Runnable cleanup) {
        JobProgress job = jobs.create(source, actor, clock.instant());
        live.put(job.id(), job);
        try {
            executor.execute(() -> run(job, records, cleanup));
        } catch (RejectedExecutionException e) {
            cleanup.run();
            job.failed("not started: the import queue was full or the appliance was stopping", clock.instant());
            finish(job);
            throw new VulnDbException(VulnDbException.Kind.BUSY, "the import queue is full; try again later");
        }
        return job.snapshot();
    }

    private void run(JobProgress job, RecordSource records, Runnable cleanup) {
        try {
            boolean changed = new Importer(store, clock).run(job, records);
            if (changed) {
                index = MatchIndex.build(store.loadAll());
            }
            job.succeeded(clock.instant());
        } catch (RuntimeException e) {
            job.failed("the import failed: " + e.getMessage(), clock.instant());
        } finally {
            cleanup.run();
            finish(job);
        }
    }

    private void finish(JobProgress job) {
        try {
            jobs.save(job.snapshot());
        } catch (RuntimeException e) {
            // Typically Derby refusing an interrupted thread while the appliance stops; the next
            // start marks the job failed (ImportJobs.failAbandoned).
            LOG.warning("cannot save import job " + job.id() + ": " + e.getMessage());
        } finally {
            live.remove(job.id());
        }
    }

    private void copyBounded(InputStream in, Path file) throws IOException {
        long total = 0;
        byte[] buf = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                total += n;
                if (total > config.maxArchiveBytes()) {
                    throw new VulnDbException(VulnDbException.Kind.TOO_LARGE, "the archive exceeds "
                            + config.maxArchiveBytes() + " bytes (telltale.vulndb.max-archive-bytes)");
                }
                out.write(buf, 0, n);
            }
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warning("cannot delete " + file + ": " + e.getMessage());
        }
    }

    @Override
    public Optional<ImportJob> job(long id) {
        JobProgress running = live.get(id);
        return running != null ? Optional.of(running.snapshot()) : jobs.byId(id);
    }

    @Override
    public VulnDbStatus status() {
        MatchIndex i = index;
        Optional<ImportJob> latest = jobs.latest().map(j -> job(j.id()).orElse(j));
        return new VulnDbStatus(i.advisories(), i.perEcosystem(), i.newest(), jobs.lastSuccess(), latest);
    }

    @Override
    public MatchResult match(List<PackageQuery> packages) {
        return index.match(packages, schemes);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warning("the vulnerability database import did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
