package dev.telltale.ui.admin;

import dev.telltale.store.ReindexStatus;
import dev.telltale.ui.Chrome;
import dev.telltale.ui.Views;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The System page's view of the event index rebuild, rendered by the real template. */
class SystemPageTest {
    private static final Views VIEWS = new Views();

    private static String render(ReindexStatus r) {
        Map<String, Object> m = new HashMap<>();
        m.put("chrome", new Chrome("ada", true, "csrf", List.of(), "System"));
        m.put("version", "1.0");
        m.put("checks", List.of(new SystemView.Check("lucene", true)));
        m.put("healthy", true);
        m.put("storage", List.of());
        m.put("retention", List.of());
        SystemView.putReindex(m, r);
        return VIEWS.render("admin-system", m);
    }

    @Test
    void aRunningRebuildShowsItsProgressAndThePageRefreshes() {
        String html = render(new ReindexStatus(2, 1, 3000, 12_000, Optional.of("p-20260101T000000Z"),
                Optional.of(Instant.parse("2026-01-01T10:00:00Z")), Optional.of(Duration.ofMinutes(9)), Optional.empty(),
                List.of()));
        assertTrue(html.contains("<progress max=\"100\" value=\"25\""), html);
        assertTrue(html.contains("http-equiv=\"refresh\""), "refreshes while it runs");
        assertTrue(html.contains("3,000 of 12,000 events, 2 partitions to go (now p-20260101T000000Z), about 9 minutes left"),
                html);
        assertFalse(html.contains("could not be read"));
    }

    @Test
    void whenIdleNothingShowsAndNothingRefreshes() {
        String html = render(new ReindexStatus(0, 0, 0, 0, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of()));
        assertFalse(html.contains("<progress"));
        assertFalse(html.contains("http-equiv=\"refresh\""));
    }

    @Test
    void setAsidePartitionsAndAFailedRebuildAreNamed() {
        String html = render(new ReindexStatus(0, 0, 10, 10, Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of("p-20260102T000000Z: disk full"), List.of("p-20251201T000000Z.unreadable")));
        assertTrue(html.contains("<code>p-20251201T000000Z.unreadable</code>"), html);
        assertTrue(html.contains("Their events are missing from search"), html);
        assertTrue(html.contains("p-20260102T000000Z: disk full"), html);
        assertFalse(html.contains("http-equiv=\"refresh\""));
    }
}
