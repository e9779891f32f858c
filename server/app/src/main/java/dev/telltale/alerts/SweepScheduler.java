package dev.telltale.alerts;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the sweeps on one named daemon thread. A failed sweep is logged and the next one runs on
 * schedule: the sweeps only act on what is due, so a missed run is caught up by the next.
 */
final class SweepScheduler implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SweepScheduler.class.getName());
    private final IntSupplier sweep;
    private final Duration interval;
    private ScheduledExecutorService executor;

    SweepScheduler(IntSupplier sweep, Duration interval) {
        this.sweep = sweep;
        this.interval = interval;
    }

    synchronized void start() {
        if (executor != null) {
            throw new IllegalStateException("the alert sweeps are already running");
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "telltale-alert-sweep");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::runOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runOnce() {
        try {
            int changed = sweep.getAsInt();
            if (changed > 0) {
                LOG.info(() -> "alert sweep changed " + changed + " occurrence(s)");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "alert sweep failed; retrying at the next interval", e);
        }
    }

    @Override
    public synchronized void close() {
        if (executor == null) {
            return;
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
