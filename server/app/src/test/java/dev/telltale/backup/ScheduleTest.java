package dev.telltale.backup;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;

import dev.telltale.testing.MutableClock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When scheduled backups run. */
class ScheduleTest {
    private static Schedule schedule(String interval, String at) {
        BackupConfig cfg = new BackupConfig(5, Optional.of(Duration.parse(interval)),
                Optional.ofNullable(at).map(LocalTime::parse), Optional.empty(), 5, List.of());
        return new Schedule(cfg, Clock.systemUTC(), () -> { });
    }

    @Test
    void dailyAtATimeOfDay() {
        Schedule s = schedule("P1D", "02:30");
        assertEquals(Instant.parse("2026-11-27T02:30:00Z"), s.next(Instant.parse("2026-11-26T16:00:00Z")));
        assertEquals(Instant.parse("2026-11-26T02:30:00Z"), s.next(Instant.parse("2026-11-26T01:00:00Z")));
        assertEquals(Instant.parse("2026-11-27T02:30:00Z"), s.next(Instant.parse("2026-11-26T02:30:00Z")));
    }

    @Test
    void everySixHoursFromAnAnchor() {
        Schedule s = schedule("PT6H", "00:15");
        assertEquals(Instant.parse("2026-11-26T18:15:00Z"), s.next(Instant.parse("2026-11-26T16:00:00Z")));
    }

    @Test
    void withoutAnAnchorOneIntervalFromNow() {
        assertEquals(Instant.parse("2026-11-26T17:00:00Z"), schedule("PT1H", null).next(Instant.parse("2026-11-26T16:00:00Z")));
    }

    @Test
    void aChangedScheduleTakesEffectWithoutARestart() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:59.200Z"));
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        BackupConfig off = BackupConfig.defaults();
        try (Schedule s = new Schedule(off, clock, runs::incrementAndGet)) {
            s.start();
            assertEquals(Optional.empty(), s.nextRun(), "off: nothing scheduled");
            s.update(new BackupConfig(5, Optional.of(Duration.ofMinutes(1)), Optional.of(LocalTime.of(10, 1)),
                    Optional.empty(), 5, List.of()));
            assertEquals(Optional.of(Instant.parse("2026-11-26T10:01:00Z")), s.nextRun());
            long deadline = System.currentTimeMillis() + 10_000;
            while (runs.get() == 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(runs.get() > 0, "the new schedule ran");
            s.update(off);
            assertEquals(Optional.empty(), s.nextRun());
            Thread.sleep(100); // a run in progress may complete
            int after = runs.get();
            Thread.sleep(1_500);
            assertEquals(after, runs.get(), "turned off: no more runs");
        }
    }
}
