package dev.telltale.loadgen;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FsyncTailTest {
    private static final String NO_ROLLOVERS = "0 rollovers taking 0.0 s in all, over 100 ms: 0, over 250 ms: 0, over 1 s: 0";
    private static final String NO_WRITES = "0 group appends, over 100 ms: 0, over 250 ms: 0, over 1 s: 0; "
            + "0 records the store had no room for before their fsync, waited for 0.0 s; 0 connection pauses for a full journal queue";
    private static Map<String, Double> reading(double le100, double le250, double le1000, double count) {
        return Map.of("telltale_journal_fsync_seconds_bucket{le=\"0.1\"}", le100,
                "telltale_journal_fsync_seconds_bucket{le=\"0.25\"}", le250,
                "telltale_journal_fsync_seconds_bucket{le=\"1\"}", le1000,
                "telltale_journal_fsync_seconds_count", count);
    }

    @Test
    void countsTheSlowFsyncsBetweenTwoReadings() {
        // Cumulative buckets: of 110 new fsyncs, 100 within 100 ms, 106 within 250 ms, 109 within 1 s.
        String s = FsyncTail.describe(reading(50, 55, 58, 60), reading(150, 161, 167, 170));
        assertEquals("110 fsyncs, over 100 ms: 10, over 250 ms: 4, over 1 s: 1; " + NO_ROLLOVERS + "; " + NO_WRITES, s);
    }

    @Test
    void anApplianceWithoutTheHistogramReadsAsNone() {
        assertEquals("0 fsyncs, over 100 ms: 0, over 250 ms: 0, over 1 s: 0; " + NO_ROLLOVERS + "; " + NO_WRITES,
                FsyncTail.describe(Map.of(), Map.of()));
    }

    @Test
    void saysHowLongTheJournalThreadWaitedForRollovers() {
        Map<String, Double> before = Map.of("telltale_journal_rollover_seconds_count", 2.0,
                "telltale_journal_rollover_seconds_sum", 0.1,
                "telltale_journal_rollover_seconds_bucket{le=\"0.1\"}", 2.0,
                "telltale_journal_rollover_seconds_bucket{le=\"0.25\"}", 2.0,
                "telltale_journal_rollover_seconds_bucket{le=\"1\"}", 2.0);
        Map<String, Double> after = Map.of("telltale_journal_rollover_seconds_count", 5.0,
                "telltale_journal_rollover_seconds_sum", 1.4,
                "telltale_journal_rollover_seconds_bucket{le=\"0.1\"}", 3.0,
                "telltale_journal_rollover_seconds_bucket{le=\"0.25\"}", 4.0,
                "telltale_journal_rollover_seconds_bucket{le=\"1\"}", 5.0);
        String s = FsyncTail.describe(before, after);
        assertEquals("3 rollovers taking 1.3 s in all, over 100 ms: 2, over 250 ms: 1, over 1 s: 0", s.split("; ")[1]);
    }

    @Test
    void saysHowManyRecordsTheStoreTookOnlyAfterTheirFsync() {
        Map<String, Double> after = Map.of("telltale_journal_late_records_total", 12.0,
                "telltale_journal_late_wait_seconds_sum", 0.42);
        String s = FsyncTail.describe(Map.of(), after);
        assertEquals("12 records the store had no room for before their fsync, waited for 0.4 s", s.split("; ")[3]);
    }

    @Test
    void saysHowOftenConnectionsStoppedReadingForTheJournal() {
        String s = FsyncTail.describe(Map.of("telltale_ingest_journal_pauses_total", 3.0),
                Map.of("telltale_ingest_journal_pauses_total", 10.0));
        assertEquals("7 connection pauses for a full journal queue", s.split("; ")[4]);
    }
}
