package dev.telltale.evaluation;

import dev.telltale.db.Database;
import dev.telltale.db.Sql;
import dev.telltale.metrics.Metrics;
import dev.telltale.policy.Finding;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Commits evaluation checkpoints (findings as alerts, observed facts, position, process state) on its own
 * thread, so evaluation goes on while Derby writes. One checkpoint at a time, in order: a
 * checkpoint that failed is committed again before any later one, because a later position
 * would claim its records as done.
 */
final class Committer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Committer.class.getName());

    record Batch(List<Finding> findings, EventObserver.Write facts, byte[] state, long position) {
    }

    private final Database db;
    private final FindingWriter alerts;
    private final Clock clock;
    private final Metrics.Histogram seconds;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "telltale-policy-commit");
        t.setDaemon(true);
        return t;
    });
    private volatile LongConsumer committed = p -> { };
    private volatile long committedPosition;
    private volatile boolean healthy = true;
    private Batch current;
    private Future<Boolean> running;
    private int failures;

    Committer(Database db, FindingWriter alerts, Clock clock, Metrics.Histogram seconds, long committedPosition) {
        this.db = db;
        this.alerts = alerts;
        this.clock = clock;
        this.seconds = seconds;
        this.committedPosition = committedPosition;
    }

    void onCommitted(LongConsumer listener) {
        this.committed = listener;
    }

    long committedPosition() {
        return committedPosition;
    }

    boolean healthy() {
        return healthy;
    }

    /** True when a new batch may be handed over now: nothing running, nothing failed waiting. */
    boolean ready() {
        if (running != null && !running.isDone()) {
            return false;
        }
        if (running != null && !succeeded()) {
            retry(); // the failed batch goes again first, after a pause that grows
            return false;
        }
        running = null;
        current = null;
        return true;
    }

    /** Hands a batch over; call only when {@link #ready()}. */
    void submit(Batch b) {
        current = b;
        running = thread.submit(() -> commit(b));
    }

    /** Waits until everything handed over is committed (retrying failures), or the thread is interrupted. */
    void drain() {
        while (!ready()) {
            try {
                if (running != null) {
                    running.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                // commit() reports its own failures as false; nothing else to do here
            }
        }
    }

    private boolean succeeded() {
        try {
            return running.get();
        } catch (InterruptedException | ExecutionException e) {
            return false;
        }
    }

    private void retry() {
        failures++;
        Batch b = current;
        long pauseMs = Math.min(5000, 50L << Math.min(failures, 7));
        running = thread.submit(() -> {
            Thread.sleep(pauseMs);
            return commit(b);
        });
    }

    private boolean commit(Batch b) {
        long t0 = System.nanoTime();
        try {
            Sql.inTransaction(db.dataSource(), c -> {
                if (!b.findings().isEmpty()) {
                    alerts.record(c, b.findings());
                }
                b.facts().write(c);
                Checkpoints.save(c, b.position(), b.state(), clock.instant());
                return null;
            });
        } catch (RuntimeException e) {
            healthy = false;
            LOG.log(Level.WARNING, "evaluation checkpoint failed; its alerts are kept and retried", e);
            return false;
        }
        failures = 0;
        healthy = true;
        committedPosition = b.position();
        seconds.observe((System.nanoTime() - t0) / 1e9);
        committed.accept(b.position());
        return true;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
