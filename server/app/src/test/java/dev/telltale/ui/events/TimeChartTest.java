package dev.telltale.ui.events;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The histogram's labels stay meaningful when every event falls within the same second. */
class TimeChartTest {
    @Test
    void bucketWidthsAndAxisEndsAreReadableAtEveryScale() {
        assertEquals("40 µs", TimeChart.interval(40));
        assertEquals("2 ms", TimeChart.interval(2_500));
        assertEquals("30 s", TimeChart.interval(30_000_000));
        assertEquals("5 min", TimeChart.interval(300_000_000));
        long t = 1_795_000_000_000_000L;
        String[] close = TimeChart.ends(t, t + 3_000);
        assertNotEquals(close[0], close[1], "a 3 ms span still has two different ends: " + close[0]);
        String[] wide = TimeChart.ends(t, t + 3_600_000_000L);
        assertEquals(TimeChart.label(t), wide[0]);
    }
}
