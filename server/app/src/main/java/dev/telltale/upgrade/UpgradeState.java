package dev.telltale.upgrade;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One upgrade (or manual rollback) as the server and the applier see it, kept in
 * {@code DATA/upgrade/state.json}: the server writes it while it prepares (pre-flight, backup),
 * the applier from the moment it takes the request. Immutable; each change makes a new state.
 *
 * @param bundle         the staged bundle (upgrades only)
 * @param safetyBackup   the backup taken just before; a failure restores it
 * @param restoreBackup  the backup a manual rollback restores (the one taken before the upgrade it undoes)
 * @param previousRelease the release directory {@code current} pointed to before the switch
 * @param osBackupOf     for a manual rollback, the upgrade whose saved OS files are put back
 */
public record UpgradeState(String id, Kind kind, String from, String to, Phase phase, String actor, Instant started,
                           Instant updated, Optional<String> bundle, Optional<String> safetyBackup,
                           Optional<String> restoreBackup, Optional<String> previousRelease, Optional<String> osBackupOf,
                           Optional<Long> gateTokenId, List<Step> steps, List<String> log, Optional<String> outcome) {
    static final int MAX_LOG = 300;

    public enum Kind { UPGRADE, ROLLBACK }

    /** Where the transaction is; the last four are terminal. */
    public enum Phase {
        PREPARING, REQUESTED, APPLYING, ROLLING_BACK, DONE, ROLLED_BACK, REFUSED, FAILED;

        public boolean terminal() {
            return ordinal() >= DONE.ordinal();
        }
    }

    public enum Status { PENDING, RUNNING, DONE, FAILED, SKIPPED }

    /** One step of the progress bar. */
    public record Step(String name, Status status, Optional<Instant> started, Optional<Instant> finished, String detail) {
    }

    public UpgradeState {
        steps = List.copyOf(steps);
        log = List.copyOf(log.size() > MAX_LOG ? log.subList(log.size() - MAX_LOG, log.size()) : log);
    }

    /** The steps of a transaction of {@code kind}, in order. */
    public static List<String> stepNames(Kind kind) {
        return kind == Kind.UPGRADE
                ? List.of("preflight", "backup", "verify", "install", "stop", "switch", "start", "gate")
                : List.of("preflight", "backup", "stop", "restore", "switch", "start", "gate");
    }

    static UpgradeState begin(String id, Kind kind, String from, String to, String actor, Instant now,
                              Optional<String> bundle, Optional<String> restoreBackup, Optional<String> osBackupOf) {
        List<Step> steps = stepNames(kind).stream()
                .map(n -> new Step(n, Status.PENDING, Optional.empty(), Optional.empty(), "")).toList();
        return new UpgradeState(id, kind, from, to, Phase.PREPARING, actor, now, now, bundle, Optional.empty(),
                restoreBackup, Optional.empty(), osBackupOf, Optional.empty(), steps, List.of(), Optional.empty());
    }

    public boolean terminal() {
        return phase.terminal();
    }

    /** Share of steps done, 0-100. */
    public int percent() {
        long done = steps.stream().filter(s -> s.status == Status.DONE || s.status == Status.SKIPPED).count();
        return (int) (100 * done / Math.max(1, steps.size()));
    }

    public Optional<Step> step(String name) {
        return steps.stream().filter(s -> s.name.equals(name)).findFirst();
    }

    /** Whether step {@code name} began (running, done or failed). */
    public boolean reached(String name) {
        return step(name).map(s -> s.status != Status.PENDING && s.status != Status.SKIPPED).orElse(false);
    }

    UpgradeState step(String name, Status status, String detail, Instant now) {
        List<Step> out = new ArrayList<>();
        for (Step s : steps) {
            if (s.name.equals(name)) {
                Optional<Instant> started = status == Status.RUNNING || s.started.isEmpty() ? Optional.of(now) : s.started;
                Optional<Instant> finished = status == Status.RUNNING ? Optional.empty() : Optional.of(now);
                out.add(new Step(name, status, started, finished, detail));
            } else {
                out.add(s);
            }
        }
        return new UpgradeState(id, kind, from, to, phase, actor, started, now, bundle, safetyBackup, restoreBackup,
                previousRelease, osBackupOf, gateTokenId, out, log, outcome);
    }

    UpgradeState phase(Phase p, Instant now) {
        return new UpgradeState(id, kind, from, to, p, actor, started, now, bundle, safetyBackup, restoreBackup,
                previousRelease, osBackupOf, gateTokenId, steps, log, outcome);
    }

    UpgradeState outcome(Phase p, String text, Instant now) {
        return new UpgradeState(id, kind, from, to, p, actor, started, now, bundle, safetyBackup, restoreBackup,
                previousRelease, osBackupOf, gateTokenId, steps, log, Optional.of(text));
    }

    UpgradeState log(String line, Instant now) {
        List<String> l = new ArrayList<>(log);
        l.add(now + " " + line);
        return new UpgradeState(id, kind, from, to, phase, actor, started, now, bundle, safetyBackup, restoreBackup,
                previousRelease, osBackupOf, gateTokenId, steps, l, outcome);
    }

    UpgradeState safetyBackup(String backupId) {
        return new UpgradeState(id, kind, from, to, phase, actor, started, updated, bundle, Optional.of(backupId),
                restoreBackup, previousRelease, osBackupOf, gateTokenId, steps, log, outcome);
    }

    UpgradeState previousRelease(String dir) {
        return new UpgradeState(id, kind, from, to, phase, actor, started, updated, bundle, safetyBackup, restoreBackup,
                Optional.of(dir), osBackupOf, gateTokenId, steps, log, outcome);
    }

    UpgradeState gateToken(long tokenId) {
        return new UpgradeState(id, kind, from, to, phase, actor, started, updated, bundle, safetyBackup, restoreBackup,
                previousRelease, osBackupOf, Optional.of(tokenId), steps, log, outcome);
    }
}
