package dev.telltale.backup;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs scheduled backups on one named thread: every {@code interval}, at the times
 * {@code at + k * interval} (UTC, anchored on today) when {@code at} is given, otherwise one
 * interval after start and after each run.
 */
final class Schedule implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Schedule.class.getName());
    private final BackupConfig cfg;
    private final Clock clock;
    private final Runnable job;
    private ScheduledExecutorService thread;

    Schedule(BackupConfig cfg, Clock clock, Runnable job) {
        this.cfg = cfg;
        this.clock = clock;
        this.job = job;
    }

    synchronized void start() {
        if (cfg.interval().isEmpty() || thread != null) {
            return;
        }
        var t = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> new Thread(r, "telltale-backup-schedule"));
        t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        thread = t;
        scheduleNext();
    }

    private synchronized void scheduleNext() {
        if (thread == null || thread.isShutdown()) {
            return;
        }
        Instant next = next(clock.instant());
        LOG.info(() -> "next scheduled backup at " + next);
        thread.schedule(this::run, Duration.between(clock.instant(), next).toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            job.run();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "scheduled backup failed", e);
        }
        scheduleNext();
    }

    /** The first scheduled time after {@code now}. */
    Instant next(Instant now) {
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
        if (thread != null) {
            // Not interrupted: a backup in progress completes (the appliance waits for it before closing the database).
            thread.shutdown();
            thread = null;
        }
    }
}
