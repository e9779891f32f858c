package dev.telltale.store;

import dev.telltale.journal.Durability;
import dev.telltale.journal.JournalRecord;
import dev.telltale.journal.RecordSink;
import dev.telltale.metrics.Metrics;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * The event store: Lucene indexes partitioned by receive time under {@code DATA/events}.
 * Records arrive from the journal and become searchable within the refresh interval.
 * Every commit records the journal position it covers ({@link #checkpoint()}), so the
 * journal replays exactly what the indexes lack after a crash.
 *
 * <p>Lifecycle: {@link #open}, journal replay into {@link #replay}, {@link #start}, and
 * {@link #close} after the journal has closed.
 */
public interface EventStore extends AutoCloseable {

    static EventStore open(Path dir, StoreConfig config, Metrics metrics, Clock clock) {
        return new LuceneEventStore(dir, config, metrics, clock);
    }

    /** The journal position from which records may be missing from the indexes. */
    long checkpoint();

    /** Indexes a replayed record unless its partition already committed it. */
    void replay(JournalRecord record);

    /**
     * Starts indexing, refresh, commit and retention; returns the sink the journal feeds.
     * {@code committed} hears each checkpoint's position (records before it are committed).
     * Records may be handed over before they are durable: no commit holds one before
     * {@code durability} says it is (decision 39).
     */
    RecordSink start(java.util.function.LongConsumer committed, Durability durability);

    /** As {@link #start(java.util.function.LongConsumer, Durability)}, for records durable when handed over. */
    default RecordSink start(java.util.function.LongConsumer committed) {
        return start(committed, Durability.IMMEDIATE);
    }

    /** @throws BadQueryException when the query does not parse */
    SearchPage search(EventQuery query);

    /**
     * The event with a store-wide id, searched within an event-time range (microseconds,
     * inclusive; pass the event's own time when known: the lookup is then cheap).
     */
    java.util.Optional<EventHit> byUid(long uid, long fromUs, long toUs, Scope scope);

    /** Counts per value of each dimension (context facets: type, app, component, version, host). */
    FacetResult facets(EventQuery query, List<String> dimensions, int top);

    /** Counts per time bucket over the query's range. */
    Histogram histogram(EventQuery query, int buckets);

    /** Makes everything indexed so far searchable now (tests and benchmarks). */
    void refreshNow();

    boolean healthy();

    /**
     * Commits, then writes a consistent copy of the store into {@code target} (created): the
     * latest commit of every partition, hard-linked where the file system allows (Lucene
     * never changes a file it has written) and copied otherwise, plus the checkpoint file that
     * goes with them. Indexing goes on meanwhile; checkpoints and retention wait.
     *
     * @throws StoreException when a file cannot be linked or copied
     */
    void snapshot(Path target);

    long sizeBytes();

    int partitionCount();

    /**
     * Progress of the background rebuild of partitions written by an older Lucene major or
     * document layout, and the partitions set aside as unreadable. Never throws.
     */
    ReindexStatus reindexStatus();

    @Override
    void close();
}
