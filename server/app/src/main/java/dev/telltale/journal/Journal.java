package dev.telltale.journal;

import dev.telltale.metrics.Metrics;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The write-ahead journal in front of the event store. Submissions are written to segment
 * files and fsync'd in groups; only then are they acknowledged to agents and handed to the
 * policy engine. The store gets them as soon as they are written, before the fsync, so that
 * they become searchable while the device flushes; it must not commit them before
 * {@link #awaitDurable} returns (decision 39). Sequence numbers make storage idempotent per
 * agent: what was stored before is acknowledged again, never stored twice; a submission that
 * starts beyond the next expected number is refused as out of order.
 *
 * <p>Lifecycle: {@link #open}, then {@link #replay} once with the store's checkpoint, then
 * {@link #start}.
 */
public interface Journal extends Durability, AutoCloseable {

    /** Opens the journal directory, repairing a torn tail left by a crash. */
    static Journal open(Path dir, JournalConfig config, Metrics metrics) {
        return new FileJournal(dir, config, metrics);
    }

    /**
     * Rebuilds the per-agent sequence state and hands every record at or after
     * {@code fromPosition} to {@code sink}, oldest first. Call before {@link #start}.
     */
    void replay(long fromPosition, Consumer<JournalRecord> sink);

    /**
     * Starts the journal's threads. Each new record is offered to {@code early} once appended,
     * before its fsync ({@link RecordSink#offer}, which must not wait); a record it declines, and
     * every later one until that one has been given, go to its {@link RecordSink#accept} after
     * their fsync instead. Every record goes to {@code durable} after its fsync. Both see records
     * in position order. A record whose fsync fails reaches no {@code accept}, and
     * {@link #awaitDurable} never returns for it.
     */
    void start(RecordSink early, RecordSink durable);

    /** Starts the journal thread, which hands each new record to {@code sink} once durable. */
    default void start(RecordSink sink) {
        start(r -> { }, sink);
    }

    /** The end position of the last record known durable. */
    long durableEnd();

    /**
     * Queues a submission. Always accepted while the journal runs; returns false when queued
     * memory is above the high watermark, in which case the caller stops reading and calls
     * {@link #whenCapacity}.
     */
    boolean submit(Submission submission);

    /** Runs {@code wakeup} once queued memory falls below the low watermark (maybe at once). */
    void whenCapacity(Runnable wakeup);

    /** The first sequence number not yet stored for an agent (1 for a new agent). */
    long nextSeq(long agentId);

    /** Records wholly before {@code position} are indexed and committed: their segments may go. */
    void release(long position);

    /**
     * Keeps every segment file on disk, whatever readers release, until the returned hold is
     * closed: a backup copies the segments that cover what the store and the engine committed.
     */
    AutoCloseable holdSegments();

    /**
     * Copies the segment files that exist now into {@code target} (created). The last one may
     * end in a record being written, which {@link #replay} truncates as a torn tail; every
     * record acknowledged before the call is whole in the copy.
     *
     * @throws JournalException when a file cannot be copied
     */
    void copyTo(Path target);

    /** False once a write or fsync has failed; nothing is acknowledged after that. */
    boolean healthy();

    long queuedBytes();

    /** Stops accepting, stores and acknowledges what is queued, and closes the files. */
    @Override
    void close();
}
