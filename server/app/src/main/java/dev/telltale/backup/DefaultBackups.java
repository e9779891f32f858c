package dev.telltale.backup;

import dev.telltale.audit.AuditLog;
import dev.telltale.db.Database;
import dev.telltale.journal.Journal;
import dev.telltale.metrics.Metrics;
import dev.telltale.secrets.SecretBox;
import dev.telltale.store.EventStore;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/** Backups in {@code DATA/backups}, one at a time, with retention, schedule and export. */
final class DefaultBackups implements Backups {
    private static final Logger LOG = Logger.getLogger(DefaultBackups.class.getName());
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    /** The configuration file's; the initial default of the settings. */
    private final BackupConfig fileCfg;
    /** In effect: the configuration file's with the saved settings applied. */
    private volatile BackupConfig cfg;
    private volatile Optional<SettingsStore.Saved> saved;
    private final SettingsStore settingsStore;
    private final Path dataDir;
    private final Path backupsDir;
    private final Database db;
    private final EventStore store;
    private final Journal journal;
    private final AuditLog audit;
    private final Clock clock;
    private final String version;
    private final ReentrantLock running = new ReentrantLock();
    private final Schedule schedule;
    private volatile double lastSeconds = Double.NaN;
    private volatile double lastBytes = Double.NaN;
    private volatile double lastTime = Double.NaN;

    DefaultBackups(BackupConfig cfg, Path dataDir, Database db, EventStore store, Journal journal, AuditLog audit,
                   Metrics metrics, Clock clock, String version, SecretBox secrets) {
        this.fileCfg = cfg;
        this.settingsStore = new SettingsStore(db.dataSource(), secrets, clock);
        this.saved = settingsStore.load();
        this.cfg = saved.map(s -> cfg.with(s.settings(), s.credentials())).orElse(cfg);
        this.dataDir = dataDir;
        this.backupsDir = dataDir.resolve("backups");
        this.db = db;
        this.store = store;
        this.journal = journal;
        this.audit = audit;
        this.clock = clock;
        this.version = version;
        try {
            Files.createDirectories(backupsDir);
            Files.setPosixFilePermissions(backupsDir, PosixFilePermissions.fromString("rwx------"));
            removePartials();
            auditRestore();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the backup directory " + backupsDir, e);
        }
        this.schedule = new Schedule(this.cfg, clock, this::scheduled);
        metrics.gauge("telltale_backup_last_timestamp_seconds", "When the last backup completed", () -> lastTime);
        metrics.gauge("telltale_backup_last_size_bytes", "Size of the last backup", () -> lastBytes);
        metrics.gauge("telltale_backup_last_duration_seconds", "How long the last backup took", () -> lastSeconds);
        list().stream().findFirst().ifPresent(b -> {
            lastTime = b.created().getEpochSecond();
            lastBytes = b.sizeBytes();
        });
    }

    private void removePartials() throws IOException {
        try (Stream<Path> s = Files.list(backupsDir)) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(BackupLayout.PARTIAL)).toList()) {
                LOG.warning(() -> "deleting the incomplete backup " + p.getFileName() + " an interruption left");
                BackupLayout.deleteTree(p);
            }
        }
    }

    /** A restore runs while the server is stopped, without the database: it is audited at the next start. */
    private void auditRestore() throws IOException {
        Path marker = dataDir.resolve("restore").resolve(ArchiveRestore.RESTORED);
        if (Files.exists(marker)) {
            audit.record("system", "backup.restore", "backups", Optional.of(Files.readString(marker).trim()));
            Files.delete(marker);
        }
    }

    @Override
    public BackupInfo backupNow(String reason, String actor) {
        if (reason == null || reason.isBlank() || reason.length() > 100) {
            throw new BackupException(BackupException.Reason.INVALID, "a backup needs a reason of 1 to 100 characters");
        }
        running.lock();
        try {
            long t0 = System.nanoTime();
            BackupInfo info = take(reason.strip());
            lastSeconds = (System.nanoTime() - t0) / 1e9;
            lastBytes = info.sizeBytes();
            lastTime = info.created().getEpochSecond();
            audit.record(actor, "backup.create", "backups/" + info.id(), Optional.of(reason.strip()));
            LOG.info(() -> "backup " + info.id() + " complete: " + info.sizeBytes() + " bytes in "
                    + String.format(Locale.ROOT, "%.1f", lastSeconds) + " s");
            applyRetention();
            return info;
        } finally {
            running.unlock();
        }
    }

    private BackupInfo take(String reason) {
        Instant created = clock.instant();
        String id = newId(created, reason);
        Path partial = backupsDir.resolve(id + BackupLayout.PARTIAL);
        try {
            Files.createDirectories(partial);
            Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rwx------"));
            Path data = Files.createDirectories(partial.resolve(BackupLayout.DATA));
            String schema;
            // Nothing the journal holds at this point may be trimmed before its copy (see docs/backups.md).
            try (AutoCloseable hold = journal.holdSegments()) {
                schema = db.schemaVersion();
                db.backupInto(data);
                store.snapshot(data.resolve("events"));
                journal.copyTo(data.resolve("journal"));
            }
            copyOtherEntries(data);
            copyConfigFiles(partial.resolve(BackupLayout.ETC));
            List<String> entries = BackupLayout.entries(data);
            Manifest m = new Manifest(id, created, version, reason, schema, entries, true);
            BackupLayout.writeSynced(partial.resolve(BackupLayout.MANIFEST), new String(m.toJson(),
                    java.nio.charset.StandardCharsets.UTF_8));
            Path done = backupsDir.resolve(id);
            Files.move(partial, done, StandardCopyOption.ATOMIC_MOVE);
            BackupLayout.fsync(backupsDir);
            return info(done, m);
        } catch (Exception e) {
            try {
                BackupLayout.deleteTree(partial);
            } catch (IOException ignored) {
                // deleted at the next start
            }
            throw e instanceof BackupException b ? b : new BackupException("backup " + id + " failed", e);
        }
    }

    private String newId(Instant created, String reason) {
        String slug = reason.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-")
                .replaceAll("\\.{2,}", ".").replaceAll("^[-.]+|-+$", "");
        slug = slug.isEmpty() ? "backup" : slug.substring(0, Math.min(40, slug.length()));
        String base = ID_TIME.format(created) + "-" + slug;
        String id = base;
        for (int i = 2; Files.exists(backupsDir.resolve(id)) || Files.exists(backupsDir.resolve(id + BackupLayout.PARTIAL)); i++) {
            id = base + "-" + i;
        }
        return id;
    }

    /** Every other top-level entry (tls, secrets, ...) but what is excluded or regenerable. */
    private void copyOtherEntries(Path data) throws IOException {
        try (Stream<Path> s = Files.list(dataDir)) {
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString();
                if (BackupLayout.NOT_BACKED_UP.contains(name) || Regenerable.NAMES.contains(name)
                        || Files.exists(data.resolve(name), LinkOption.NOFOLLOW_LINKS)
                        || name.equals("derby") || name.equals("events") || name.equals("journal")) {
                    continue;
                }
                BackupLayout.copyTree(p, data.resolve(name));
            }
        }
    }

    private void copyConfigFiles(Path etc) throws IOException {
        Files.createDirectories(etc);
        for (Path f : cfg.configFiles()) {
            if (Files.isRegularFile(f)) {
                Path to = etc.resolve(f.getFileName().toString());
                Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
                // Configuration may hold secrets (environment files do).
                Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rw-------"));
            } else {
                LOG.warning(() -> "backup: the configuration file " + f + " is not readable; not in the backup");
            }
        }
    }

    /** Deletes the oldest complete backups beyond {@code keep}; never the newest. */
    private void applyRetention() {
        List<BackupInfo> all = list();
        for (BackupInfo old : all.subList(Math.min(cfg.keep(), all.size()), all.size())) {
            try {
                BackupLayout.deleteTree(old.dir());
                LOG.info(() -> "backup " + old.id() + " deleted (keep " + cfg.keep() + ")");
            } catch (IOException e) {
                LOG.log(Level.WARNING, "cannot delete the old backup " + old.id(), e);
            }
        }
    }

    @Override
    public List<BackupInfo> list() {
        List<BackupInfo> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(backupsDir)) {
            for (Path p : s.filter(Files::isDirectory).toList()) {
                if (!p.getFileName().toString().endsWith(BackupLayout.PARTIAL) && Files.exists(p.resolve(BackupLayout.MANIFEST))) {
                    try {
                        Manifest m = Manifest.read(p);
                        if (m.complete()) {
                            out.add(info(p, m));
                        }
                    } catch (BackupException e) {
                        LOG.warning(() -> "ignoring " + p + ": " + e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            throw new BackupException("cannot list " + backupsDir, e);
        }
        // By time, not by id alone: two backups of one second sort by their reasons otherwise.
        out.sort(Comparator.comparing(BackupInfo::created).thenComparing(BackupInfo::id).reversed());
        return out;
    }

    private static BackupInfo info(Path dir, Manifest m) throws IOException {
        return new BackupInfo(m.id(), m.created(), m.version(), m.reason(), size(dir), dir);
    }

    private static long size(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public Optional<BackupInfo> get(String id) {
        return list().stream().filter(b -> b.id().equals(id)).findFirst();
    }

    private BackupInfo require(String id) {
        return get(id).orElseThrow(() -> new BackupException(BackupException.Reason.NOT_FOUND, "no backup " + id));
    }

    @Override
    public String writeArchive(String id, OutputStream out) {
        BackupInfo b = require(id);
        try {
            return Archives.write(b.dir(), out);
        } catch (IOException e) {
            throw new BackupException("writing the archive of " + id + " failed", e);
        }
    }

    @Override
    public String export(String id, String actor) {
        BackupConfig c = cfg;
        BackupConfig.Target target = c.target().orElseThrow(() -> new BackupException(BackupException.Reason.INVALID,
                "no backup target is set (Backups settings, or telltale.backup.target)"));
        BackupInfo b = require(id);
        String name = Targets.send(target, b, c.keepRemote(), dataDir.resolve("backups"));
        audit.record(actor, "backup.export", "backups/" + id, Optional.of(target.describe()));
        LOG.info(() -> "backup " + id + " exported to " + target.describe());
        return name;
    }

    @Override
    public Optional<String> target() {
        return cfg.target().map(BackupConfig.Target::describe);
    }

    @Override
    public Optional<String> schedule() {
        return cfg.settings().scheduleText();
    }

    private void scheduled() {
        BackupInfo b = backupNow("scheduled", "system");
        if (cfg.target().isPresent()) {
            export(b.id(), "system");
        }
    }

    @Override
    public BackupSettings.Stored settings() {
        Optional<SettingsStore.Saved> s = saved;
        if (s.isPresent()) {
            SettingsStore.Saved v = s.get();
            return new BackupSettings.Stored(v.settings(), v.credentials().password().isPresent(),
                    v.credentials().privateKey().isPresent(), "database", Optional.of(v.updatedAt()),
                    Optional.of(v.updatedBy()));
        }
        var sftp = fileCfg.target().filter(t -> t instanceof BackupConfig.SftpTarget).map(t -> (BackupConfig.SftpTarget) t);
        return new BackupSettings.Stored(fileCfg.settings(), sftp.flatMap(BackupConfig.SftpTarget::password).isPresent(),
                sftp.flatMap(BackupConfig.SftpTarget::privateKeyFile).isPresent(), "configuration", Optional.empty(),
                Optional.empty());
    }

    @Override
    public synchronized BackupSettings.Stored updateSettings(BackupSettings.Input input, String actor) {
        SettingsCheck.Credentials stored = saved.map(SettingsStore.Saved::credentials).orElse(SettingsCheck.Credentials.NONE);
        SettingsCheck.Checked checked = SettingsCheck.check(input, stored);
        boolean replaced = input.password().isPresent() || input.privateKey().isPresent();
        SettingsStore.Saved s = settingsStore.save(checked, replaced, actor);
        saved = Optional.of(s);
        cfg = fileCfg.with(s.settings(), s.credentials());
        schedule.update(cfg);
        LOG.info(() -> "backup settings changed by " + actor + ": " + SettingsStore.describe(s.settings(), s.credentials(),
                replaced));
        return settings();
    }

    @Override
    public BackupSettings.TestResult testTarget() {
        return cfg.target().map(Targets::probe).orElse(new BackupSettings.TestResult(false,
                "no backup target is set: choose a directory or an SFTP server and save first"));
    }

    @Override
    public Optional<Instant> nextScheduled() {
        return schedule.nextRun();
    }

    @Override
    public void start() {
        schedule.start();
    }

    @Override
    public void close() {
        schedule.close();
        // A backup in progress finishes before the journal, the store and the database close.
        running.lock();
        running.unlock();
    }

    /** Entries of the data directory rebuilt or refilled on their own; see docs/backups.md. */
    static final class Regenerable {
        static final java.util.Set<String> NAMES = java.util.Set.of("bundles", "tmp");

        private Regenerable() {
        }
    }
}
