package dev.telltale.loadgen;

import dev.telltale.protocol.event.EventType;

import java.util.Random;
import java.util.Set;

/**
 * The share of each event type in a busy service's steady stream, in events per 100,000: file
 * and network calls dominate, per-process and per-container events are rare.
 */
final class SteadyMix {
    private static final EventType[] TYPES = {
        EventType.FILE, EventType.NETWORK, EventType.JAVA_METHOD, EventType.DEPENDENCY, EventType.WEBAPP_URI,
        EventType.API, EventType.PACKAGE_INFO, EventType.MEMORY_WARNING, EventType.HEARTBEAT, EventType.BEARER_TOKEN,
        EventType.PROCESS, EventType.IDENTITY, EventType.WEBAPP, EventType.PROCESS_START, EventType.PROCESS_EXIT,
        EventType.HOST_ENV};
    private static final int[] PER_100K = {
        41_000, 18_000, 11_000, 6_000, 6_000,
        4_500, 3_000, 3_000, 2_500, 2_000,
        1_500, 800, 400, 150, 140,
        10};
    private static final int[] CUMULATIVE = new int[PER_100K.length];
    private static final int TOTAL;

    static {
        int sum = 0;
        for (int i = 0; i < PER_100K.length; i++) {
            sum += PER_100K[i];
            CUMULATIVE[i] = sum;
        }
        TOTAL = sum;
    }

    private SteadyMix() {
    }

    static EventType next(Random r) {
        int x = r.nextInt(TOTAL);
        for (int i = 0; i < CUMULATIVE.length; i++) {
            if (x < CUMULATIVE[i]) {
                return TYPES[i];
            }
        }
        return TYPES[0];
    }

    /** As {@link #next(Random)}, drawing again while the type is excluded (FILE is never excluded). */
    static EventType next(Random r, Set<EventType> excluded) {
        EventType t = next(r);
        while (excluded.contains(t) && t != EventType.FILE) {
            t = next(r);
        }
        return t;
    }
}
