package dev.telltale.backup;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs scheduled backups on one named thread: every {@code interval}, at the times
 * {@code at + k * interval} (UTC, anchored on today) when {@code at} is given, otherwise one
 * interval after start (or after the schedule changed) and after each run. {@link #update}
 * replaces the schedule of a running scheduler: the pending run is dropped and the next one
 * computed from the new schedule (a run in progress completes).
 */
final class Schedule implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Schedule.class.getName());
    private final Clock clock;
    private final Runnable job;
    private BackupConfig cfg;
    private boolean started;
    private ScheduledExecutorService thread;
    private ScheduledFuture<?> pending;
    private Instant nextAt;

    Schedule(BackupConfig cfg, Clock clock, Runnable job) {
        this.cfg = cfg;
        this.clock = clock;
        this.job = job;
    }

    synchronized void start() {
        started = true;
        scheduleNext();
    }

    /** Takes the schedule of {@code newCfg} from now on. */
    synchronized void update(BackupConfig newCfg) {
        this.cfg = newCfg;
        if (started) {
            scheduleNext();
        }
    }

    /** When the next scheduled backup runs; empty when the schedule is off or not started. */
    synchronized Optional<Instant> nextRun() {
        return Optional.ofNullable(nextAt);
    }

    private synchronized void scheduleNext() {
        if (pending != null) {
            // Not interrupted: when called from the run itself this is the run in progress.
            pending.cancel(false);
            pending = null;
        }
        nextAt = null;
        if (!started || cfg.interval().isEmpty()) {
            return;
        }
        if (thread == null) {
            var t = new ScheduledThreadPoolExecutor(1, r -> new Thread(r, "telltale-backup-schedule"));
            t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            t.setRemoveOnCancelPolicy(true);
            thread = t;
        }
        Instant next = next(clock.instant());
        nextAt = next;
        LOG.info(() -> "next scheduled backup at " + next);
        pending = thread.schedule(this::run, Math.max(0, Duration.between(clock.instant(), next).toMillis()),
                TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            job.run();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "scheduled backup failed", e);
        }
        synchronized (this) {
            if (thread != null && !thread.isShutdown()) {
                scheduleNext();
            }
        }
    }

    /** The first scheduled time after {@code now}. */
    synchronized Instant next(Instant now) {
        Duration interval = cfg.interval().orElseThrow();
        if (cfg.at().isEmpty()) {
            return now.plus(interval);
        }
        Instant anchor = LocalDate.ofInstant(now, ZoneOffset.UTC).atTime(cfg.at().get()).toInstant(ZoneOffset.UTC);
        if (!anchor.isAfter(now)) {
            long steps = Duration.between(anchor, now).toMillis() / interval.toMillis() + 1;
            anchor = anchor.plus(interval.multipliedBy(steps));
        }
        return anchor;
    }

    @Override
    public synchronized void close() {
        started = false;
        nextAt = null;
        if (thread != null) {
            // Not interrupted: a backup in progress completes (the appliance waits for it before closing the database).
            thread.shutdown();
            thread = null;
        }
    }
}
