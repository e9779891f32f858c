package dev.telltale.evaluation;

import dev.telltale.db.Database;
import dev.telltale.db.DatabaseException;
import dev.telltale.db.Sql;
import dev.telltale.journal.JournalRecord;
import dev.telltale.journal.RecordSink;
import dev.telltale.metrics.Metrics;
import dev.telltale.policy.Finding;
import dev.telltale.policy.Policies;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The engine: one thread evaluating journal records in order and committing checkpoints. */
final class JournalEvaluator implements PolicyEngine {
    private static final Logger LOG = Logger.getLogger(JournalEvaluator.class.getName());

    private final Database db;
    private final Policies policies;
    private final FindingWriter alerts;
    private final EvaluationConfig config;
    private final Clock clock;
    private final ProcessTable processes;
    private final StreamEvaluator evaluator;
    private final BlockingQueue<JournalRecord> queue;
    private final List<Finding> pending = new ArrayList<>();
    private final Metrics.Counter events;
    private final Metrics.Counter findings;
    private final Metrics.Counter ruleErrors;
    private final Metrics.Histogram checkpointSeconds;
    private volatile long committedPosition;
    private long evaluatedEnd;
    private long lastCheckpointMs;
    private volatile boolean healthy = true;
    private volatile boolean running;
    private LongConsumer committed = p -> { };
    private Thread thread;
    private long lastErrorLogMs;

    JournalEvaluator(Database db, Policies policies, FindingWriter alerts, EvaluationConfig config, Metrics metrics,
                     Clock clock) {
        this.db = db;
        this.policies = policies;
        this.alerts = alerts;
        this.config = config;
        this.clock = clock;
        this.processes = new ProcessTable(config.maxProcesses());
        this.evaluator = new StreamEvaluator(processes, this::ruleError);
        this.queue = new ArrayBlockingQueue<>(config.queueRecords());
        events = metrics.counter("telltale_evaluation_events_total", "Events evaluated against policies");
        findings = metrics.counter("telltale_evaluation_findings_total", "Rule matches recorded as alert evidence");
        ruleErrors = metrics.counter("telltale_evaluation_rule_errors_total", "Rule evaluations that failed (bugs)");
        checkpointSeconds = metrics.histogram("telltale_evaluation_checkpoint_seconds",
                "Duration of evaluation checkpoints (alerts + position in one transaction)", 0.001, 0.01, 0.1, 1, 10);
        metrics.gauge("telltale_evaluation_backlog_records", "Journal records waiting for evaluation", queue::size);
        metrics.gauge("telltale_evaluation_processes", "Processes whose state the engine keeps", processes::size);
        load();
        lastCheckpointMs = clock.millis();
    }

    private void load() {
        try (Connection c = db.dataSource().getConnection()) {
            Checkpoints.load(c).ifPresent(s -> {
                committedPosition = s.position();
                StateCodec.decode(s.state(), processes);
            });
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the evaluation checkpoint", e);
        }
        evaluatedEnd = committedPosition;
    }

    @Override
    public long checkpoint() {
        return committedPosition;
    }

    @Override
    public void replay(JournalRecord r) {
        if (r.position() < committedPosition) {
            return;
        }
        evaluate(r);
        maybeCheckpoint();
    }

    @Override
    public RecordSink start(LongConsumer onCommitted) {
        checkpointUntilDone();
        this.committed = onCommitted;
        onCommitted.accept(committedPosition);
        running = true;
        thread = new Thread(this::loop, "telltale-policy-engine");
        thread.start();
        return queue::put;
    }

    private void loop() {
        while (running || !queue.isEmpty()) {
            try {
                JournalRecord r = queue.poll(50, TimeUnit.MILLISECONDS);
                if (r != null) {
                    evaluate(r);
                }
                maybeCheckpoint();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // Never lose the thread: what is not committed is evaluated again at the next start.
                healthy = false;
                LOG.log(Level.SEVERE, "policy evaluation failed", e);
            }
        }
    }

    private void evaluate(JournalRecord r) {
        int before = pending.size();
        evaluator.evaluate(r, policies.current(), pending);
        events.add(r.size());
        findings.add(pending.size() - before);
        evaluatedEnd = r.end();
    }

    private void maybeCheckpoint() {
        boolean due = clock.millis() - lastCheckpointMs >= config.checkpointInterval().toMillis();
        if (pending.size() >= config.maxPendingFindings()) {
            checkpointUntilDone(); // bounded memory: do not evaluate further until these are stored
        } else if (due && evaluatedEnd != committedPosition) {
            tryCheckpoint();
        }
    }

    private void checkpointUntilDone() {
        for (int attempt = 0; !tryCheckpoint(); attempt++) {
            try {
                Thread.sleep(Math.min(5000, 100L << Math.min(attempt, 6)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private boolean tryCheckpoint() {
        lastCheckpointMs = clock.millis();
        if (evaluatedEnd == committedPosition && pending.isEmpty()) {
            return true;
        }
        long t0 = System.nanoTime();
        byte[] state = StateCodec.encode(processes);
        long position = evaluatedEnd;
        try {
            Sql.inTransaction(db.dataSource(), c -> {
                if (!pending.isEmpty()) {
                    alerts.record(c, pending);
                }
                Checkpoints.save(c, position, state, clock.instant());
                return null;
            });
        } catch (RuntimeException e) {
            healthy = false;
            LOG.log(Level.WARNING, "evaluation checkpoint failed; alerts are kept and retried", e);
            return false;
        }
        pending.clear();
        committedPosition = position;
        healthy = true;
        checkpointSeconds.observe((System.nanoTime() - t0) / 1e9);
        committed.accept(position);
        return true;
    }

    private void ruleError(RuntimeException e) {
        ruleErrors.inc();
        long now = clock.millis();
        if (now - lastErrorLogMs > 60_000) { // a broken rule must not flood the log
            lastErrorLogMs = now;
            LOG.log(Level.WARNING, "a rule failed on an event (further failures counted, logged once a minute)", e);
        }
    }

    @Override
    public boolean healthy() {
        return healthy;
    }

    @Override
    public int backlog() {
        return queue.size();
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!tryCheckpoint()) {
            LOG.warning("final evaluation checkpoint failed; the journal replays the rest at next start");
        }
    }
}
