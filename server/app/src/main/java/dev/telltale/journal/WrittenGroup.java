package dev.telltale.journal;

import java.util.List;
import java.util.Map;

/**
 * What one pass of the journal thread wrote and still owes its senders once it is durable
 * (decision 39): the acknowledgements, the out-of-order refusals, the records for the readers
 * (the first {@code offered} of them the store already took before the fsync), and the queued
 * memory to release.
 */
record WrittenGroup(Map<SessionCallback, Long> acks, List<Submission> outOfOrder, List<JournalRecord> records,
                    int offered, long weight, long oldestReceivedMs) {

    /** Asks only for a sync: nothing to answer. */
    static final WrittenGroup BARRIER = new WrittenGroup(Map.of(), List.of(), List.of(), 0, 0, Long.MAX_VALUE);
}
