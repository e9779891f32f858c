package dev.telltale.journal;

import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventCodec;
import dev.telltale.protocol.event.EventType;

/**
 * A durable record: events of one agent with consecutive sequence numbers, or one gap
 * event standing for a declared range, with consecutive store-wide unique ids
 * ({@code firstUid + i}). {@code position} is the record's offset in the
 * journal; {@code end} the offset just after it.
 */
public record JournalRecord(long position, long end, AgentContext context, long firstSeq, long lastSeq,
                            long firstUid, long baseTimeUs, long receivedMs, EventType[] types, long[] dts,
                            byte[][] encoded) {

    /** A record of whole events (tests and tools); encodes them. */
    public static JournalRecord of(long position, long end, AgentContext context, long firstSeq, long lastSeq,
                                   long firstUid, long baseTimeUs, long receivedMs, Event... events) {
        EventType[] types = new EventType[events.length];
        long[] dts = new long[events.length];
        byte[][] encoded = new byte[events.length][];
        for (int i = 0; i < events.length; i++) {
            types[i] = events[i].type();
            dts[i] = events[i].dtUs();
            encoded[i] = EventCodec.encode(events[i]);
        }
        return new JournalRecord(position, end, context, firstSeq, lastSeq, firstUid, baseTimeUs, receivedMs, types,
                dts, encoded);
    }

    /** How many events (documents) the record holds. */
    public int size() {
        return encoded.length;
    }

    public EventType type(int i) {
        return types[i];
    }

    /** Event {@code i} decoded (for tools and tests; the store indexes from the bytes). */
    public Event event(int i) {
        return EventCodec.decode(encoded[i], 0, encoded[i].length, false);
    }

    /** The sequence number of event {@code i}: its own for batches, the first of the range for a gap. */
    public long seq(int i) {
        return encoded.length == lastSeq - firstSeq + 1 ? firstSeq + i : firstSeq;
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
        return baseTimeUs + dts[i];
    }
}
