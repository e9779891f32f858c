package dev.telltale.journal;

/** Where records go next (the event store, the policy engine). */
@FunctionalInterface
public interface RecordSink {

    /** Takes a record; may block to slow the journal down. */
    void accept(JournalRecord record) throws InterruptedException;

    /**
     * Takes a record before it is durable if that needs no wait, and says whether it did
     * (decision 39). Never blocks. By default declines: the record comes to {@link #accept}
     * once durable.
     */
    default boolean offer(JournalRecord record) {
        return false;
    }
}
