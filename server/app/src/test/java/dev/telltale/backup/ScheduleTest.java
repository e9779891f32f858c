package dev.telltale.backup;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
