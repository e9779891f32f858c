package dev.telltale.protocol;

import dev.telltale.protocol.event.Event;
import dev.telltale.protocol.event.EventCodec;
import dev.telltale.protocol.event.EventType;

/**
 * A BATCH after decompression and validation. Event {@code i} has sequence number
 * {@code firstSeq + i} and lies in {@code blob} at {@code offsets[i]} for {@code lengths[i]}
 * bytes. Where {@code rejections[i]} is set the event was refused and {@code types[i]} is
 * null; otherwise {@code types[i]} and {@code dts[i]} (microseconds after
 * {@code baseTimeUs}) are known and the event decodes with {@link #decode(int)}. For a
 * compressed batch {@code blob} is the decoding thread's buffer, valid until its next decode.
 */
public record DecodedBatch(long firstSeq, int count, long baseTimeUs, byte[] blob, int[] offsets, int[] lengths,
                           EventType[] types, long[] dts, String[] rejections, int[] claimedTypes) {

    public long lastSeq() {
        return firstSeq + count - 1;
    }

    public boolean rejected(int i) {
        return rejections[i] != null;
    }

    public int rejectedCount() {
        int n = 0;
        for (String r : rejections) {
            if (r != null) {
                n++;
            }
        }
        return n;
    }

    /** Decodes a valid event (validation already passed, so this does not throw). */
    public Event decode(int i) {
        return EventCodec.decode(blob, offsets[i], lengths[i], true);
    }
}
