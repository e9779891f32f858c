package dev.telltale.journal;

/**
 * Tells a reader that got records before their fsync (the event store, decision 39) when they
 * are durable, so that it commits nothing the journal could still lose.
 */
@FunctionalInterface
public interface Durability {

    /** For records that were durable when handed over (replay, tests): never waits. */
    Durability IMMEDIATE = end -> { };

    /**
     * Returns once every record that ends at or before {@code end} is durable. Waits through
     * interrupts (keeping the thread's interrupt status): a caller that gave up halfway would
     * leave its own commit half done.
     *
     * @throws JournalException when the journal failed or closed before that
     */
    void awaitDurable(long end);
}
