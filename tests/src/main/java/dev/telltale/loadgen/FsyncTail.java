package dev.telltale.loadgen;

import java.util.Locale;
import java.util.Map;

/**
 * How many of the journal's fsyncs between two readings of {@code /metrics} took longer than
 * 100 ms, 250 ms and 1 s (from the {@code telltale_journal_fsync_seconds} histogram): an
 * event is acknowledged only after its fsync (which includes the sync thread's writes, decision
 * 41), so these are where a latency tail starts. Also the journal thread's rollovers and group
 * appends: while it waits in them, nothing new becomes searchable.
 */
final class FsyncTail {
    private static final String HISTOGRAM = "telltale_journal_fsync_seconds";
    private static final String ROLLOVERS = "telltale_journal_rollover_seconds";
    private static final String WRITES = "telltale_journal_write_seconds";
    /** Bucket bounds as /metrics prints them, and how to say them. */
    private static final String[][] BOUNDS = {{"0.1", "100 ms"}, {"0.25", "250 ms"}, {"1", "1 s"}};

    private FsyncTail() {
    }

    /**
     * "412 fsyncs, over 100 ms: 6, over 250 ms: 2, over 1 s: 0; 3 rollovers taking 0.9 s in
     * all, over 100 ms: 2, over 250 ms: 1, over 1 s: 0; 412 group appends, over 100 ms: 0, …; 12
     * records the store had no room for before their fsync, waited for 0.4 s; 0 connection pauses
     * for a full journal queue".
     */
    static String describe(Map<String, Double> before, Map<String, Double> after) {
        return tail(before, after, HISTOGRAM, "fsyncs", false) + "; " + tail(before, after, ROLLOVERS, "rollovers", true)
                + "; " + tail(before, after, WRITES, "group appends", false)
                + String.format(Locale.ROOT, "; %.0f records the store had no room for before their fsync, waited for %.1f s",
                        delta(before, after, "telltale_journal_late_records_total"),
                        delta(before, after, "telltale_journal_late_wait_seconds_sum"))
                + String.format(Locale.ROOT, "; %.0f connection pauses for a full journal queue",
                        delta(before, after, "telltale_ingest_journal_pauses_total"));
    }

    private static String tail(Map<String, Double> before, Map<String, Double> after, String histogram, String what,
            boolean sum) {
        double total = delta(before, after, histogram + "_count");
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%.0f %s", total, what));
        if (sum) {
            b.append(String.format(Locale.ROOT, " taking %.1f s in all", delta(before, after, histogram + "_sum")));
        }
        for (String[] bound : BOUNDS) {
            // The count and the buckets are read one after the other while the appliance runs.
            double over = Math.max(0, total - delta(before, after, histogram + "_bucket{le=\"" + bound[0] + "\"}"));
            b.append(String.format(Locale.ROOT, ", over %s: %.0f", bound[1], over));
        }
        return b.toString();
    }

    /** How much a /metrics value grew between two readings. */
    static double delta(Map<String, Double> before, Map<String, Double> after, String key) {
        return after.getOrDefault(key, 0.0) - before.getOrDefault(key, 0.0);
    }
}
