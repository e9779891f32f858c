package dev.telltale.journal;

/** Where durable records go next (the event store). May block to slow the journal down. */
@FunctionalInterface
public interface RecordSink {
    void accept(JournalRecord record) throws InterruptedException;
}
