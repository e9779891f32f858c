package dev.telltale.upgrade;

import dev.telltale.backup.BackupLayout;
import dev.telltale.upgrade.bundle.Bundles;
import dev.telltale.upgrade.bundle.ReleaseKeys;
import dev.telltale.upgrade.bundle.VerifiedBundle;
import dev.telltale.upgrade.bundle.Version;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Optional;

/**
 * The transaction of an upgrade or a manual rollback, run as root in a process of its own (the
 * server it replaces is stopped on the way): verify the bundle again, install the release beside
 * the others and its OS files (saving the ones replaced), stop the server, switch {@code current},
 * start it (Flyway migrates, the store checks its index format), and pass the health gate. Any
 * failure, and any earlier run that died half-way (a crash or a power loss: see {@link #recover}),
 * ends with the previous release running on the data of the backup taken just before, and the
 * outcome in {@code state.json} for the server to report.
 * <p>
 * Every step is recorded durably before and after it runs, so {@link #recover} knows what to undo.
 */
public final class Applier {
    private final Path dataDir;
    private final UpgradeConfig cfg;
    private final StateFile files;
    private final RootState root;
    private final ServiceControl service;
    private final HealthGate gate;
    private final Clock clock;
    private final java.util.function.Consumer<String> onStep;
    private UpgradeState state;

    public Applier(Path dataDir, UpgradeConfig cfg, int httpsPort, int ingestPort, Clock clock) {
        this(dataDir, cfg, httpsPort, ingestPort, clock, step -> { });
    }

    /** With {@code onStep} called as each step begins, after it is recorded (tests pull the plug there). */
    Applier(Path dataDir, UpgradeConfig cfg, int httpsPort, int ingestPort, Clock clock,
            java.util.function.Consumer<String> onStep) {
        this.onStep = onStep;
        this.dataDir = dataDir;
        this.cfg = cfg;
        this.files = new StateFile(dataDir);
        this.root = new RootState(cfg.stateDir());
        this.service = new ServiceControl(cfg);
        this.gate = new HealthGate(dataDir, httpsPort, ingestPort, cfg.gateTimeout());
        this.clock = clock;
    }

    /**
     * Takes the pending request, if any, and carries it out; first finishes (rolls back) a
     * transaction an earlier run left half-way.
     *
     * @return the state it ended in, or empty when there was nothing to do
     */
    public Optional<UpgradeState> apply() {
        root.prepare();
        try (ApplierLock ignored = lock()) {
            recoverLocked(true);
            Optional<UpgradeState> taken = takeRequest();
            if (taken.isEmpty()) {
                return Optional.empty();
            }
            state = taken.get();
            run();
            return Optional.of(state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The server's request, checked as coming from an unprivileged process: every name that
     * becomes a path is validated, the versions are the installed release's and the verified
     * bundle's, and what a rollback restores comes from this applier's own record of the last
     * upgrade, not from the request. A request that fails a check is refused, nothing changed.
     */
    private Optional<UpgradeState> takeRequest() throws IOException {
        Path request = files.request();
        if (!Files.isRegularFile(request, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        String id = StateFile.readSmall(request, 64);
        Files.deleteIfExists(request);
        Optional<UpgradeState> asked = files.read();
        if (asked.isEmpty() || !asked.get().id().equals(id) || asked.get().phase() != UpgradeState.Phase.REQUESTED) {
            return Optional.empty();
        }
        UpgradeState a = asked.get();
        Ids.transaction(a.id());
        String installed = installedVersion();
        String to = Version.parse(a.to()).toString();
        UpgradeState s = new UpgradeState(a.id(), a.kind(), installed, to, UpgradeState.Phase.APPLYING,
                a.actor(), a.started(), clock.instant(), Optional.empty(), Optional.of(Ids.backup(a.safetyBackup()
                .orElseThrow(() -> new UpgradeException("the request names no backup")))), Optional.empty(), Optional.empty(),
                Optional.empty(), a.gateTokenId(), a.steps(), a.log(), Optional.empty());
        try {
            if (!a.from().equals(installed)) {
                throw new UpgradeException("the server asked to go from " + a.from() + ", but " + installed + " is installed");
            }
            if (a.kind() == UpgradeState.Kind.UPGRADE) {
                s = withBundle(s, files.staged().resolve(s.to() + ".ttu"));
            } else {
                RootState.LastUpgrade last = root.last().filter(l -> l.id().equals(a.osBackupOf().orElse("")))
                        .filter(l -> l.to().equals(installed) && l.from().equals(to))
                        .orElseThrow(() -> new UpgradeException("no rollback from " + installed + " to " + a.to()
                                + " is on record here"));
                s = new UpgradeState(s.id(), s.kind(), s.from(), s.to(), s.phase(), s.actor(), s.started(), s.updated(),
                        Optional.empty(), s.safetyBackup(), Optional.of(last.safetyBackup()), Optional.empty(),
                        Optional.of(last.id()), s.gateTokenId(), s.steps(), s.log(), Optional.empty());
            }
        } catch (RuntimeException e) {
            save(s.outcome(UpgradeState.Phase.REFUSED, "the upgrade service refused the request: " + message(e)
                    + "; nothing was changed", clock.instant()));
            return Optional.empty();
        }
        save(s.log("applier: taking over " + s.id(), clock.instant()));
        return Optional.of(state);
    }

    private static UpgradeState withBundle(UpgradeState s, Path bundle) {
        if (!Files.isRegularFile(bundle, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new UpgradeException("no staged bundle for " + s.to());
        }
        return new UpgradeState(s.id(), s.kind(), s.from(), s.to(), s.phase(), s.actor(), s.started(), s.updated(),
                Optional.of(bundle.toString()), s.safetyBackup(), s.restoreBackup(), s.previousRelease(), s.osBackupOf(),
                s.gateTokenId(), s.steps(), s.log(), s.outcome());
    }

    /** The version of the release {@code current} points at (root's files, not the server's word). */
    private String installedVersion() {
        try {
            return Version.parse(Files.readString(Releases.target(cfg).resolve("VERSION")).trim()).toString();
        } catch (IOException e) {
            throw new UpgradeException("cannot read the installed release's VERSION: " + e.getMessage(), e);
        }
    }

    /**
     * At boot (before the server starts, {@code start=false}) or at any time: a transaction that is
     * not finished and whose applier is gone is rolled back.
     *
     * @return the state after recovery, or empty when nothing was unfinished
     */
    public Optional<UpgradeState> recover(boolean start) {
        if (root.read().map(UpgradeState::terminal).orElse(true)) {
            return Optional.empty(); // the common case at every start: nothing to look at, nothing created
        }
        try (ApplierLock lock = tryLock()) {
            if (lock == null) {
                return Optional.empty(); // an applier is at work
            }
            return recoverLocked(start);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Optional<UpgradeState> recoverLocked(boolean start) {
        Optional<UpgradeState> s = root.read();
        if (s.isEmpty() || s.get().terminal() || s.get().phase() == UpgradeState.Phase.PREPARING
                || s.get().phase() == UpgradeState.Phase.REQUESTED) {
            return Optional.empty();
        }
        state = s.get();
        String where = state.steps().stream().filter(st -> st.status() == UpgradeState.Status.RUNNING).map(
                UpgradeState.Step::name).findFirst().orElse(state.phase().name().toLowerCase(java.util.Locale.ROOT));
        rollBack("the previous run stopped during '" + where + "' (a crash or a power loss)", start);
        return Optional.of(state);
    }

    private void run() {
        String step = "";
        try {
            if (state.kind() == UpgradeState.Kind.UPGRADE) {
                step = "verify";
                VerifiedBundle bundle = verify();
                try (bundle) {
                    step = "install";
                    install(bundle);
                }
            }
            step = "stop";
            begin(step);
            service.stop();
            done(step, "the server of " + state.from() + " stopped");
            if (state.kind() == UpgradeState.Kind.ROLLBACK) {
                step = "restore";
                begin(step);
                restoreData(state.restoreBackup().orElseThrow(() -> new UpgradeException("no backup to restore")));
                OsFiles.restore(root.osBackup(state.osBackupOf().orElseThrow()), cfg.osRoot(),
                        java.util.Optional.of(root.osBackup(state.id())));
                service.reload();
                done(step, "data of backup " + state.restoreBackup().get() + " and the OS files of " + state.from()
                        + "'s predecessor restored");
            }
            step = "switch";
            begin(step);
            switchTo(cfg.release(state.to()));
            done(step, "current -> releases/" + state.to());
            step = "start";
            begin(step);
            service.start();
            done(step, "the server of " + state.to() + " started (schema migrations and the index check run at its start)");
            step = "gate";
            begin(step);
            // A rollback returns to data without this transaction's run token: the gate probes the agent port then.
            gate.await(state.to(), state.kind() == UpgradeState.Kind.UPGRADE ? gateToken() : Optional.empty(),
                    line -> save(state.log(line, clock.instant())));
            done(step, "healthy, accepting agents, serving the user interface");
            save(state.outcome(UpgradeState.Phase.DONE, (state.kind() == UpgradeState.Kind.UPGRADE ? "upgraded from "
                    : "rolled back from ") + state.from() + " to " + state.to(), clock.instant()));
            root.last(state.kind() == UpgradeState.Kind.UPGRADE ? Optional.of(new RootState.LastUpgrade(state.id(), state.from(),
                    state.to(), state.previousRelease().orElseThrow(), state.safetyBackup().orElseThrow())) : Optional.empty());
            Releases.prune(cfg, state.to(), state.previousRelease());
        } catch (RuntimeException e) {
            save(state.step(step, UpgradeState.Status.FAILED, message(e), clock.instant())
                    .log("FAILED at " + step + ": " + message(e), clock.instant()));
            rollBack(step + " failed: " + message(e), true);
        }
    }

    private VerifiedBundle verify() {
        begin("verify");
        Path bundle = Path.of(state.bundle().orElseThrow(() -> new UpgradeException("the request names no bundle")));
        VerifiedBundle b = Bundles.verify(bundle, ReleaseKeys.load(cfg.releaseKeys()), Version.parse(state.from()));
        if (!b.manifest().version().toString().equals(state.to())) {
            b.close();
            throw new UpgradeException("the bundle holds version " + b.manifest().version() + ", not " + state.to());
        }
        done("verify", "signature, files and version path verified again by the applier");
        return b;
    }

    private void install(VerifiedBundle bundle) {
        begin("install");
        Path dest = cfg.release(state.to());
        Path partial = dest.resolveSibling(state.to() + ".partial");
        Releases.delete(partial);
        bundle.extractRelease(partial);
        if (Files.exists(dest) && !Releases.isCurrent(cfg, dest)) {
            Releases.delete(dest);
        }
        try {
            Files.move(partial, dest, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot move the new release into " + dest, e);
        }
        int os = OsFiles.install(bundle, cfg.osRoot(), root.osBackup(state.id()));
        if (os > 0) {
            service.reload();
        }
        done("install", "release " + state.to() + " installed in " + dest + "; " + os + " OS file(s) installed");
    }

    private void switchTo(Path release) {
        if (!Files.isDirectory(release)) {
            throw new UpgradeException("release directory " + release + " does not exist");
        }
        if (state.previousRelease().isEmpty()) {
            save(state.previousRelease(Releases.target(cfg).toString()));
        }
        Releases.pointCurrentAt(cfg, release);
    }

    /** Back to the release and data of before: stop, restore the safety backup, put OS files back, switch, start. */
    private void rollBack(String reason, boolean start) {
        save(state.phase(UpgradeState.Phase.ROLLING_BACK, clock.instant()).log("rolling back: " + reason, clock.instant()));
        try {
            boolean serverTouched = state.reached("stop");
            if (serverTouched) {
                if (start) {
                    // Not at boot: then this runs in the service's own ExecStartPre, and the server is not running.
                    try {
                        service.stop();
                    } catch (UpgradeException e) {
                        save(state.log("stopping the server failed (" + e.getMessage() + "); continuing", clock.instant()));
                    }
                }
                restoreData(state.safetyBackup().orElseThrow(() -> new UpgradeException("no safety backup was recorded")));
            }
            if (Files.exists(root.osBackup(state.id()).resolve(OsFiles.INDEX))) {
                OsFiles.restore(root.osBackup(state.id()), cfg.osRoot(), Optional.empty());
                service.reload();
            }
            if (state.previousRelease().isPresent()) {
                Releases.pointCurrentAt(cfg, Path.of(state.previousRelease().get()));
            }
            if (state.kind() == UpgradeState.Kind.UPGRADE && !Releases.isCurrent(cfg, cfg.release(state.to()))) {
                Releases.delete(cfg.release(state.to()));
            }
            if (serverTouched && start) {
                service.start();
                gate.await(state.from(), Optional.empty(), line -> save(state.log(line, clock.instant())));
            }
            save(state.outcome(UpgradeState.Phase.ROLLED_BACK, reason + "; " + state.from()
                    + " is running again on the data of before", clock.instant()));
        } catch (RuntimeException e) {
            save(state.outcome(UpgradeState.Phase.FAILED, reason + "; the rollback failed too: " + message(e)
                    + ". The appliance needs an operator: see docs/upgrades.md, 'Manual recovery'", clock.instant()));
        }
    }

    private void restoreData(String backupId) {
        DataRestore.restore(dataDir, backupId);
        save(state.log("data restored from backup " + backupId, clock.instant()));
    }

    /** The gate's run token, read as untrusted: a regular file (no link followed), small, token-shaped. */
    private Optional<String> gateToken() {
        Path f = files.gateToken();
        if (!Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.of(Ids.runToken(StateFile.readSmall(f, 256)));
    }

    private void begin(String step) {
        save(state.step(step, UpgradeState.Status.RUNNING, "", clock.instant()).log(step + "...", clock.instant()));
        onStep.accept(step);
    }

    private void done(String step, String detail) {
        save(state.step(step, UpgradeState.Status.DONE, detail, clock.instant()).log(step + ": " + detail, clock.instant()));
    }

    private void save(UpgradeState s) {
        state = s;
        root.write(s);
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Waits for the lock; holds it until closed (or the process dies). */
    private ApplierLock lock() throws IOException {
        return ApplierLock.acquire(root, true).orElseThrow();
    }

    /** The lock, or null when another applier holds it. */
    private ApplierLock tryLock() throws IOException {
        return ApplierLock.acquire(root, false).orElse(null);
    }
}
