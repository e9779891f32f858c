package dev.telltale.journal;

import dev.telltale.protocol.event.Event;

/**
 * A durable record: events of one agent with consecutive sequence numbers, or one gap
 * event standing for a declared range, with consecutive store-wide unique ids
 * ({@code firstUid + i}). {@code position} is the record's offset in the
 * journal; {@code end} the offset just after it.
 */
public record JournalRecord(long position, long end, AgentContext context, long firstSeq, long lastSeq,
                            long firstUid, long baseTimeUs, long receivedMs, Event[] events, byte[][] encoded) {

    /** The sequence number of event {@code i}: its own for batches, the first of the range for a gap. */
    public long seq(int i) {
        return events.length == lastSeq - firstSeq + 1 ? firstSeq + i : firstSeq;
    }

    /**
     * Approximate heap held by this record's decoded events: object graphs of decoded events
     * (messages, boxed numbers, strings, lists) take several times their encoded size.
     */
    public long weight() {
        long bytes = 0;
        for (byte[] e : encoded) {
            bytes += e.length;
        }
        return weightOf(bytes);
    }

    /** The same estimate for {@code encodedBytes} of events, for callers that have not built a record yet. */
    public static long weightOf(long encodedBytes) {
        return 1024 + 8 * encodedBytes;
    }

    public long timeUs(int i) {
        return baseTimeUs + events[i].dtUs();
    }
}
