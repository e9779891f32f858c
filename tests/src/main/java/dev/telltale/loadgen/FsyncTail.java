package dev.telltale.loadgen;

import java.util.Locale;
import java.util.Map;

/**
 * How many of the journal's fsyncs between two readings of {@code /metrics} took longer than
 * 100 ms, 250 ms and 1 s (from the {@code telltale_journal_fsync_seconds} histogram): an
 * event is acknowledged only after its fsync, so these are where a latency tail starts.
 */
final class FsyncTail {
    private static final String HISTOGRAM = "telltale_journal_fsync_seconds";
    /** Bucket bounds as /metrics prints them, and how to say them. */
    private static final String[][] BOUNDS = {{"0.1", "100 ms"}, {"0.25", "250 ms"}, {"1", "1 s"}};

    private FsyncTail() {
    }

    /** "412 fsyncs, over 100 ms: 6, over 250 ms: 2, over 1 s: 0". */
    static String describe(Map<String, Double> before, Map<String, Double> after) {
        double total = delta(before, after, HISTOGRAM + "_count");
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%.0f fsyncs", total));
        for (String[] bound : BOUNDS) {
            double over = total - delta(before, after, HISTOGRAM + "_bucket{le=\"" + bound[0] + "\"}");
            b.append(String.format(Locale.ROOT, ", over %s: %.0f", bound[1], over));
        }
        return b.toString();
    }

    /** How much a /metrics value grew between two readings. */
    static double delta(Map<String, Double> before, Map<String, Double> after, String key) {
        return after.getOrDefault(key, 0.0) - before.getOrDefault(key, 0.0);
    }
}
