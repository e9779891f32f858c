package dev.telltale.backup;

import dev.telltale.audit.AuditLog;
import dev.telltale.db.Database;
import dev.telltale.journal.Journal;
import dev.telltale.metrics.Metrics;
import dev.telltale.secrets.SecretBox;
import dev.telltale.store.EventStore;

import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Backups of the whole appliance state under {@code DATA/backups}, taken while it runs: Derby's
 * online backup, a snapshot of the event store's latest commit and a copy of the journal that
 * covers both (see {@code docs/backups.md}); the configuration files; kept {@code keep} times;
 * scheduled, and exported as an archive to a directory or an SFTP server.
 */
public interface Backups extends AutoCloseable {

    /**
     * Deletes what a crash mid-backup left ({@code *.partial}) and audits a restore done while stopped.
     * The schedule, target and {@code keep-remote} an Admin saved (Derby) win over {@code cfg}'s.
     */
    static Backups create(BackupConfig cfg, Path dataDir, Database db, EventStore store, Journal journal, AuditLog audit,
                          Metrics metrics, Clock clock, String version, SecretBox secrets) {
        return new DefaultBackups(cfg, dataDir, db, store, journal, audit, metrics, clock, version, secrets);
    }

    /**
     * Takes an online, consistent backup into {@code DATA/backups/<id>} and blocks until it is
     * complete; waits while another backup runs. Older backups beyond {@code keep} are deleted.
     *
     * @throws BackupException when the backup fails (nothing partial is left listed)
     */
    BackupInfo backupNow(String reason, String actor);

    /** Complete backups, newest first. */
    List<BackupInfo> list();

    Optional<BackupInfo> get(String id);

    /**
     * Writes the backup as a zip archive to {@code out} and returns its SHA-256 (hex).
     *
     * @throws BackupException NOT_FOUND for an unknown id
     */
    String writeArchive(String id, OutputStream out);

    /**
     * Copies the backup's archive and its {@code .sha256} to the configured target and returns
     * the archive's name there.
     *
     * @throws BackupException INVALID when no target is configured, FAILED when the copy fails
     */
    String export(String id, String actor);

    /** The configured target, described without secrets. */
    Optional<String> target();

    /** The schedule in words ("every P1D from 02:30 UTC") or empty when off. */
    Optional<String> schedule();

    /** The schedule, target and {@code keep-remote} in effect, without secrets; says where they come from. */
    BackupSettings.Stored settings();

    /**
     * Checks and saves the settings (they then win over the configuration file), audits the change
     * ({@code backup.settings}, without secrets) and applies it at once: the scheduler is rescheduled
     * and the next export goes to the new target.
     *
     * @throws BackupException INVALID with {@link BackupException#fieldErrors()} naming every bad field
     */
    BackupSettings.Stored updateSettings(BackupSettings.Input input, String actor);

    /**
     * Tries the target in effect as an export would (a directory: writable; SFTP: connect, pinned
     * host key, login, remote directory writable). Never throws for an unusable target: the result says why.
     */
    BackupSettings.TestResult testTarget();

    /** When the next scheduled backup runs; empty when the schedule is off. */
    Optional<Instant> nextScheduled();

    /** Starts the scheduler (a no-op when no schedule is configured). */
    void start();

    @Override
    void close();
}
