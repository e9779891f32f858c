package dev.telltale.journal;

import java.util.Arrays;
import java.util.function.LongConsumer;

/**
 * The journal has several readers (the event store, the policy engine); a segment may go only
 * when every one of them has committed past it. Each reader reports its position through its
 * own {@link #reader(int)}; the journal is told the smallest.
 */
public final class ReleaseGate {
    private final Journal journal;
    private final long[] positions;

    public ReleaseGate(Journal journal, int readers) {
        this.journal = journal;
        this.positions = new long[readers];
        Arrays.fill(positions, -1);
    }

    /** The position callback of reader {@code index} (0-based, fewer than the readers count). */
    public LongConsumer reader(int index) {
        return position -> report(index, position);
    }

    private void report(int index, long position) {
        long min;
        synchronized (positions) {
            positions[index] = Math.max(positions[index], position);
            min = Arrays.stream(positions).min().orElse(-1);
        }
        if (min >= 0) {
            journal.release(min);
        }
    }
}
