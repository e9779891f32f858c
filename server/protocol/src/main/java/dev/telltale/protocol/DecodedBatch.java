package dev.telltale.protocol;

import dev.telltale.protocol.event.Event;

/**
 * A BATCH after decompression and decoding. Event {@code i} has sequence number
 * {@code firstSeq + i}; where {@code events[i]} is null the event was refused and
 * {@code rejections[i]} says why. {@code blob} holds the decompressed events, event {@code i}
 * at {@code offsets[i]} for {@code lengths[i]} bytes.
 */
public record DecodedBatch(long firstSeq, int count, long baseTimeUs, byte[] blob, int[] offsets,
                           int[] lengths, Event[] events, String[] rejections, int[] claimedTypes) {

    public long lastSeq() {
        return firstSeq + count - 1;
    }

    public int rejectedCount() {
        int n = 0;
        for (Event e : events) {
            if (e == null) {
                n++;
            }
        }
        return n;
    }
}
