package dev.telltale.ui.events;

import io.helidon.common.parameters.Parameters;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How the events form's time range is read without JavaScript to switch the select. */
class SearchParamsTest {
    static final long NOW = 1_790_000_000_000L;

    static SearchParams read(Map<String, String> form) {
        Parameters.Builder b = Parameters.builder("query");
        form.forEach((k, v) -> b.add(k, v));
        return SearchParams.read(b.build(), NOW);
    }

    @Test
    void typingADateUnderAPresetMeansACustomRange() {
        SearchParams s = read(Map.of("range", "24h", "shown", "24h||", "from", "2026-11-20T08:00"));
        assertEquals("custom", s.range());
        assertEquals(Map.of(), s.errors());
        assertEquals("2026-11-20T08:00 UTC to now", s.describeRange());
    }

    @Test
    void choosingAPresetWinsOverDatesLeftFromACustomSearch() {
        SearchParams s = read(Map.of("range", "1h", "shown", "custom|2026-11-20T08:00|", "from", "2026-11-20T08:00"));
        assertEquals("1h", s.range(), "the select was changed: its choice counts");
        assertEquals("custom", read(Map.of("range", "custom", "shown", "custom|2026-11-20T08:00|",
                "from", "2026-11-21T08:00")).range());
        assertEquals("24h", read(Map.of("range", "24h", "shown", "24h||")).range(), "no dates typed");
        assertEquals("24h", read(Map.of("range", "24h")).range(), "links without the hidden field");
    }
}
