package dev.telltale.upgrade;

import dev.telltale.audit.AuditLog;
import dev.telltale.auth.RunTokens;
import dev.telltale.backup.Backups;
import dev.telltale.db.Database;
import dev.telltale.ingest.Admission;
import dev.telltale.ingest.IngestServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

final class DefaultUpgrades implements Upgrades {
    private static final Logger LOG = Logger.getLogger(DefaultUpgrades.class.getName());
    static final String PAUSED = "the appliance is being upgraded; keep the events spooled and retry";
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final UpgradeConfig cfg;
    private final String version;
    private final RunTokens runTokens;
    private final long gateTeamId;
    private final Backups backups;
    private final AuditLog audit;
    private final Consumer<String> notice;
    private final Clock clock;
    private final StateFile files;
    private final RootState root;
    private final Staging staging;
    private final History history;
    private final ExecutorService prepare = Executors.newSingleThreadExecutor(r -> daemon(r, "telltale-upgrade-prepare"));
    private final ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "telltale-upgrade-watch"));
    private volatile IngestServer ingest;
    private volatile BooleanSupplier healthy = () -> true;
    private volatile Supplier<List<String>> pendingWork = List::of;
    private volatile boolean paused;

    DefaultUpgrades(UpgradeConfig cfg, Path dataDir, String version, Database db, RunTokens runTokens, long gateTeamId,
                    Backups backups, AuditLog audit, Consumer<String> notice, Clock clock) {
        this.cfg = cfg;
        this.version = version;
        this.runTokens = runTokens;
        this.gateTeamId = gateTeamId;
        this.backups = backups;
        this.audit = audit;
        this.notice = notice;
        this.clock = clock;
        this.files = new StateFile(dataDir);
        this.root = new RootState(cfg.stateDir());
        this.staging = new Staging(cfg, files, version, clock);
        this.history = new History(db);
    }

    @Override
    public Admission admissionAtStart() {
        Optional<UpgradeState> s = current();
        if (s.isEmpty() || s.get().terminal()) {
            return Admission.everyone();
        }
        if (s.get().phase() == UpgradeState.Phase.PREPARING) {
            // This server stopped while it prepared: nothing was handed over, nothing changed.
            finish(s.get().outcome(UpgradeState.Phase.REFUSED, "the server stopped while it prepared the upgrade;"
                    + " nothing was changed", clock.instant()));
            return Admission.everyone();
        }
        paused = true;
        return gateAdmission();
    }

    private Admission gateAdmission() {
        String token = Files.exists(files.gateToken()) ? StateFile.readString(files.gateToken()) : UUID.randomUUID().toString();
        return Admission.only(token, PAUSED);
    }

    @Override
    public void start(IngestServer ingest, BooleanSupplier healthy, Supplier<List<String>> pendingWork) {
        this.ingest = ingest;
        this.healthy = healthy;
        this.pendingWork = pendingWork;
        watch.scheduleWithFixedDelay(this::watchOnce, 0, 1, TimeUnit.SECONDS);
    }

    /** Readmits agents and records the outcome once a transaction ends; gives up on a request nobody takes. */
    private void watchOnce() {
        try {
            Optional<UpgradeState> s = current();
            if (s.isEmpty()) {
                return;
            }
            if (s.get().terminal()) {
                recordEnd(s.get());
                if (paused) {
                    paused = false;
                    ingest.admit(Admission.everyone());
                }
            } else if (s.get().phase() == UpgradeState.Phase.REQUESTED
                    && s.get().updated().plus(cfg.pickupTimeout()).isBefore(clock.instant())) {
                abandonUntaken(s.get());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "upgrade watch: " + e.getMessage(), e);
        }
    }

    /** Deleting the request decides the race with the applier: whoever removes it owns it. */
    private void abandonUntaken(UpgradeState s) {
        try {
            Files.delete(files.request());
        } catch (java.nio.file.NoSuchFileException e) {
            return; // the applier took it
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.write(s.outcome(UpgradeState.Phase.REFUSED, "the upgrade service did not take the request within "
                + cfg.pickupTimeout() + "; nothing was changed (is telltale-upgrade.path enabled?)", clock.instant()));
    }

    private void recordEnd(UpgradeState s) {
        if (!history.finish(s)) {
            return;
        }
        s.gateTokenId().ifPresent(id -> runTokens.revoke(id, "upgrade"));
        try {
            Files.deleteIfExists(files.gateToken());
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot delete " + files.gateToken(), e);
        }
        String what = (s.kind() == UpgradeState.Kind.UPGRADE ? "upgrade " : "rollback ") + s.from() + " -> " + s.to()
                + ": " + s.phase() + " - " + s.outcome().orElse("");
        audit.record(s.actor(), "upgrade." + s.phase().name().toLowerCase(java.util.Locale.ROOT), "appliance", Optional.of(what));
        notice.accept(what);
        if (s.phase() == UpgradeState.Phase.DONE) {
            LOG.info(what);
        } else {
            LOG.warning(what);
        }
    }

    @Override
    public StagedBundle stage(InputStream body, String actor) {
        StagedBundle b = staging.stage(body, actor);
        audit.record(actor, "upgrade.bundle-staged", "appliance", Optional.of(b.version() + " sha256 " + b.sha256()));
        return b;
    }

    @Override
    public List<StagedBundle> staged() {
        return staging.list();
    }

    @Override
    public void discard(String v, String actor) {
        staging.discard(v);
        audit.record(actor, "upgrade.bundle-discarded", "appliance", Optional.of(v));
    }

    @Override
    public synchronized UpgradeState apply(String to, String actor) {
        ensureIdle();
        Path bundle = staging.bundle(to);
        UpgradeState s = UpgradeState.begin(id(), UpgradeState.Kind.UPGRADE, version, to, actor, clock.instant(),
                Optional.of(bundle.toString()), Optional.empty(), Optional.empty());
        return launch(s);
    }

    @Override
    public synchronized UpgradeState rollback(String actor) {
        ensureIdle();
        RollbackOffer offer = rollbackOffer().orElseThrow(() -> new UpgradeException(UpgradeException.Kind.CONFLICT,
                "no rollback is possible now: it is offered for " + cfg.rollbackWindow() + " after a successful upgrade,"
                        + " while the previous release and the backup taken before the upgrade are kept"));
        UpgradeState s = UpgradeState.begin(id(), UpgradeState.Kind.ROLLBACK, version, offer.toVersion(), actor,
                clock.instant(), Optional.empty(), Optional.of(offer.backup()), Optional.of(offer.upgradeId()));
        return launch(s);
    }

    private UpgradeState launch(UpgradeState s) {
        files.write(s);
        history.begin(s);
        audit.record(s.actor(), "upgrade.requested", "appliance", Optional.of(s.kind() + " " + s.from() + " -> " + s.to()));
        prepare.execute(() -> new Preparation(this, s).run());
        return s;
    }

    private void ensureIdle() {
        Optional<UpgradeState> s = current();
        if (s.isPresent() && !s.get().terminal()) {
            throw new UpgradeException(UpgradeException.Kind.CONFLICT, "an upgrade is in progress (" + s.get().kind() + " to "
                    + s.get().to() + ", " + s.get().phase() + ")");
        }
    }

    private String id() {
        return ID.format(clock.instant()) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public Optional<RollbackOffer> rollbackOffer() {
        return history.list(20).stream().filter(e -> e.state().terminal()).findFirst()
                .filter(e -> e.kind() == UpgradeState.Kind.UPGRADE && e.state() == UpgradeState.Phase.DONE)
                .filter(e -> e.to().equals(version) && e.safetyBackup().isPresent() && e.finished().isPresent())
                .filter(e -> e.finished().get().plus(cfg.rollbackWindow()).isAfter(clock.instant()))
                .filter(e -> Files.isDirectory(cfg.release(e.from())))
                .filter(e -> backups.get(e.safetyBackup().get()).isPresent())
                .map(e -> new RollbackOffer(e.id(), e.to(), e.from(), e.finished().get().plus(cfg.rollbackWindow()),
                        e.safetyBackup().get()));
    }

    @Override
    public Optional<UpgradeState> current() {
        return UpgradeView.current(files, root);
    }

    @Override
    public List<HistoryEntry> history() {
        return history.list(50);
    }

    @Override
    public String version() {
        return version;
    }

    // --- what Preparation uses

    UpgradeConfig config() {
        return cfg;
    }

    StateFile files() {
        return files;
    }

    Clock clock() {
        return clock;
    }

    Backups backups() {
        return backups;
    }

    Staging staging() {
        return staging;
    }

    boolean healthy() {
        return healthy.getAsBoolean();
    }

    List<String> pendingWork() {
        return pendingWork.get();
    }

    /** Creates the health gate's run token and lets only it in. */
    long pauseAgents(String to, String actor) {
        var token = runTokens.create(gateTeamId, "upgrade health gate " + to,
                Optional.of(clock.instant().plus(java.time.Duration.ofHours(1))), actor);
        try {
            Files.deleteIfExists(files.gateToken());
            Files.createFile(files.gateToken(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(files.gateToken(), token.token());
        } catch (IOException e) {
            runTokens.revoke(token.id(), "upgrade");
            throw new UncheckedIOException("cannot write " + files.gateToken(), e);
        }
        paused = true;
        ingest.admit(Admission.only(token.token(), PAUSED));
        return token.id();
    }

    /** The end of a transaction that never left this server (pre-flight or backup failed). */
    void finish(UpgradeState s) {
        files.write(s);
        recordEnd(s);
        if (paused && ingest != null) {
            paused = false;
            ingest.admit(Admission.everyone());
        }
    }

    @Override
    public void close() {
        watch.shutdownNow();
        prepare.shutdownNow();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    static Instant now(Clock c) {
        return c.instant();
    }
}
