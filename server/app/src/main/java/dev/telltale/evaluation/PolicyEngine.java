package dev.telltale.evaluation;

import dev.telltale.db.Database;
import dev.telltale.journal.JournalRecord;
import dev.telltale.journal.RecordSink;
import dev.telltale.metrics.Metrics;
import dev.telltale.policy.Policies;

import java.time.Clock;
import java.util.function.LongConsumer;

/**
 * Evaluates the policies over every durable event, after the journal and beside the store.
 * Alerts and the evaluation position (with the per-process state) commit in one Derby
 * transaction, so after a crash the journal replays exactly the records whose findings were
 * not committed: no alert is lost and none is counted twice.
 *
 * <p>Lifecycle: {@link #open}, journal replay into {@link #replay} from {@link #checkpoint()},
 * {@link #start}, {@link #close} after the journal has closed.
 */
public interface PolicyEngine extends AutoCloseable {

    static PolicyEngine open(Database db, Policies policies, FindingWriter alerts, EvaluationConfig config,
                             Metrics metrics, Clock clock) {
        return new JournalEvaluator(db, policies, alerts, EventObserver.NONE, config, metrics, clock);
    }

    /**
     * As {@link #open(Database, Policies, FindingWriter, EvaluationConfig, Metrics, Clock)}, with
     * {@code observer} seeing the events it wants and writing what it learned with each checkpoint.
     */
    static PolicyEngine open(Database db, Policies policies, FindingWriter alerts, EventObserver observer,
                             EvaluationConfig config, Metrics metrics, Clock clock) {
        return new JournalEvaluator(db, policies, alerts, observer, config, metrics, clock);
    }

    /** The journal position from which records still need evaluating. */
    long checkpoint();

    /** Evaluates a replayed record unless it lies before the checkpoint. */
    void replay(JournalRecord record);

    /**
     * Starts the evaluation thread; returns the sink the journal feeds. {@code committed}
     * hears each new checkpoint position (the journal may drop what lies before it).
     */
    RecordSink start(LongConsumer committed);

    /** False while checkpoints fail (alerts are then held in memory and retried). */
    boolean healthy();

    /** Journal records queued for evaluation. */
    int backlog();

    /** Evaluates what is queued, commits, and stops. */
    @Override
    void close();
}
