package dev.telltale.upgrade;

import dev.telltale.audit.AuditLog;
import dev.telltale.auth.RunTokens;
import dev.telltale.backup.Backups;
import dev.telltale.db.Database;
import dev.telltale.ingest.Admission;
import dev.telltale.ingest.IngestServer;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The server's side of upgrades (docs/upgrades.md): it takes signed bundles, verifies and keeps
 * them, runs pre-flight and the automatic backup, pauses agents, and hands the rest to the
 * applier (a root process: see {@link Applier}); it shows the progress the applier records, and
 * records the outcome in the history and the audit log once a server runs again.
 */
public interface Upgrades extends AutoCloseable {

    /**
     * @param version this server's version ({@code dev} for a build that is not a release: such a
     *                build refuses bundles)
     * @param notice  where system notifications go (integrations that subscribe to system events)
     */
    static Upgrades create(UpgradeConfig cfg, Path dataDir, String version, Database db, RunTokens runTokens,
                           long gateTeamId, Backups backups, AuditLog audit, Consumer<String> notice, Clock clock) {
        return new DefaultUpgrades(cfg, dataDir, version, db, runTokens, gateTeamId, backups, audit, notice, clock);
    }

    /** Who may open agent sessions when the server starts: only the health gate while a transaction is mid-way. */
    Admission admissionAtStart();

    /**
     * Starts watching the transaction's state: pauses or readmits agents, records outcomes.
     *
     * @param healthy     whether every component check passes (pre-flight)
     * @param pendingWork work that must finish before an upgrade (an index rebuild, an import...)
     */
    void start(IngestServer ingest, BooleanSupplier healthy, Supplier<List<String>> pendingWork);

    /**
     * Reads a bundle of at most {@code max-bundle-bytes}, verifies it completely and keeps it.
     *
     * @throws dev.telltale.upgrade.bundle.BundleRefusedException naming what is wrong with the bundle
     * @throws UpgradeException when it is too large or this build cannot be upgraded
     */
    StagedBundle stage(InputStream body, String actor);

    List<StagedBundle> staged();

    /** @throws UpgradeException (NOT_FOUND) when no such bundle is staged */
    void discard(String version, String actor);

    /**
     * Begins upgrading to a staged version; pre-flight, backup and the rest run in the background.
     *
     * @throws UpgradeException (CONFLICT) while another transaction runs, (NOT_FOUND) for a version not staged
     */
    UpgradeState apply(String version, String actor);

    /**
     * Begins a manual rollback of the last upgrade to the release before it, on the data of the
     * backup taken before that upgrade (a backup of the data of now is taken first).
     *
     * @throws UpgradeException (CONFLICT) when no rollback is offered or another transaction runs
     */
    UpgradeState rollback(String actor);

    /** The last rollback the appliance offers, if any. */
    Optional<RollbackOffer> rollbackOffer();

    /** The transaction in {@code state.json}, running or finished. */
    Optional<UpgradeState> current();

    List<HistoryEntry> history();

    String version();

    @Override
    void close();

    /** One transaction as the history records it. */
    record HistoryEntry(String id, UpgradeState.Kind kind, String from, String to, String actor, UpgradeState.Phase state,
                        Optional<String> safetyBackup, Optional<String> previousRelease, Optional<String> message,
                        java.time.Instant started, Optional<java.time.Instant> finished) {
    }

    /** A verified bundle waiting to be applied. */
    record StagedBundle(String version, String minFrom, String keyId, int files, long sizeBytes, String sha256,
                        String uploadedBy, java.time.Instant uploadedAt) {
    }

    /** A manual rollback of upgrade {@code upgradeId} back to {@code toVersion}, possible until {@code until}. */
    record RollbackOffer(String upgradeId, String fromVersion, String toVersion, java.time.Instant until, String backup) {
    }
}
