package dev.telltale.evaluation;

import dev.telltale.db.Database;
import dev.telltale.db.DatabaseException;
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
    private List<Finding> pending = new ArrayList<>();
    private final Committer committer;
    private final Metrics.Counter events;
    private final Metrics.Counter findings;
    private final Metrics.Counter ruleErrors;
    private long evaluatedEnd;
    private long submittedPosition;
    private long lastCheckpointMs;
    private volatile boolean failed;
    private volatile boolean running;
    private Thread thread;
    private long lastErrorLogMs;

    private final EventObserver observer;

    JournalEvaluator(Database db, Policies policies, FindingWriter alerts, EventObserver observer,
                     EvaluationConfig config, Metrics metrics, Clock clock) {
        this.observer = observer;
        this.db = db;
        this.policies = policies;
        this.alerts = alerts;
        this.config = config;
        this.clock = clock;
        this.processes = new ProcessTable(config.maxProcesses());
        this.evaluator = new StreamEvaluator(processes, this::ruleError, observer);
        this.queue = new ArrayBlockingQueue<>(config.queueRecords());
        events = metrics.counter("telltale_evaluation_events_total", "Events evaluated against policies");
        findings = metrics.counter("telltale_evaluation_findings_total", "Rule matches recorded as alert evidence");
        ruleErrors = metrics.counter("telltale_evaluation_rule_errors_total", "Rule evaluations that failed (bugs)");
        Metrics.Histogram checkpointSeconds = metrics.histogram("telltale_evaluation_checkpoint_seconds",
                "Duration of evaluation checkpoints (alerts + position in one transaction)", 0.001, 0.01, 0.1, 1, 10);
        metrics.gauge("telltale_evaluation_backlog_records", "Journal records waiting for evaluation", queue::size);
        metrics.gauge("telltale_evaluation_processes", "Processes whose state the engine keeps", processes::size);
        long position = load();
        committer = new Committer(db, alerts, clock, checkpointSeconds, position);
        evaluatedEnd = position;
        submittedPosition = position;
        lastCheckpointMs = clock.millis();
    }

    /** Restores the process state of the last checkpoint; returns its position (0 on first start). */
    private long load() {
        try (Connection c = db.dataSource().getConnection()) {
            var saved = Checkpoints.load(c);
            saved.ifPresent(s -> StateCodec.decode(s.state(), processes));
            return saved.map(Checkpoints.Saved::position).orElse(0L);
        } catch (SQLException e) {
            throw new DatabaseException("cannot read the evaluation checkpoint", e);
        }
    }

    @Override
    public long checkpoint() {
        return committer.committedPosition();
    }

    @Override
    public void replay(JournalRecord r) {
        if (r.position() < submittedPosition) {
            return;
        }
        evaluate(r);
        maybeCheckpoint();
    }

    @Override
    public RecordSink start(LongConsumer onCommitted) {
        checkpointUntilDone();
        committer.onCommitted(onCommitted);
        onCommitted.accept(committer.committedPosition());
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
                failed = true;
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
        if (pending.size() >= config.maxPendingFindings() || observer.full()) {
            committer.drain(); // bounded memory: do not evaluate further until these are stored
            handOver();
        } else if (due && evaluatedEnd != submittedPosition && committer.ready()) {
            handOver();
        }
    }

    /** Hands what is evaluated so far to the committer, with the state at that position. */
    private void handOver() {
        lastCheckpointMs = clock.millis();
        if (evaluatedEnd == submittedPosition && pending.isEmpty()) {
            return;
        }
        committer.submit(new Committer.Batch(pending, observer.drain(), StateCodec.encode(processes), evaluatedEnd));
        pending = new ArrayList<>();
        submittedPosition = evaluatedEnd;
    }

    /** Commits everything evaluated so far and waits for it. */
    private void checkpointUntilDone() {
        committer.drain();
        handOver();
        committer.drain();
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
        return !failed && committer.healthy();
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
        // Bounded: a database that stays down must not hold the shutdown forever; the journal
        // replays what is not committed at the next start.
        Thread last = new Thread(this::checkpointUntilDone, "telltale-policy-final-checkpoint");
        last.start();
        try {
            last.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (last.isAlive()) {
            last.interrupt();
            LOG.warning("final evaluation checkpoint failed; the journal replays the rest at next start");
        }
        committer.close();
    }
}
