package dev.telltale.ui.alerts;

import dev.telltale.alerts.Alerts;
import dev.telltale.alerts.TriageState;
import dev.telltale.policy.Severity;
import dev.telltale.store.Scope;
import dev.telltale.ui.UiException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlertFilterTest {
    @Test
    void theDashboardsLinksParse() {
        AlertFilter open = AlertFilter.parse("state=REPORTED&state=ACKNOWLEDGED");
        assertEquals(Set.of(TriageState.REPORTED, TriageState.ACKNOWLEDGED), open.states());
        assertEquals("files.credential-read", AlertFilter.parse("rule=files.credential-read").rule());
        assertEquals(Set.of(TriageState.FIXED), AlertFilter.parse("state=FIXED").states());
        assertEquals(Set.of(Severity.P1, Severity.P2), AlertFilter.parse("severity=p1,P2").severities());
    }

    @Test
    void anEmptyFormFilterIsNoFilter() {
        AlertFilter f = AlertFilter.parse("application=&component=&rule=&range=&sort=last_seen");
        assertFalse(f.narrowed());
        assertEquals("", f.queryString());
        Alerts.AlertQuery q = f.query(Scope.everything(), Instant.EPOCH, 50);
        assertEquals(Optional.empty(), q.application());
        assertEquals(Optional.empty(), q.from());
        assertEquals(Alerts.Sort.LAST_SEEN, q.sort());
    }

    @Test
    void theQueryStringRoundTripsWithoutThePage() {
        AlertFilter f = AlertFilter.parse(Map.of("severity", List.of("P3"), "state", List.of("NOT_AN_ISSUE"),
                "application", List.of("my shop & co"), "range", List.of("7d"), "sort", List.of("severity"),
                "after", List.of("abc")));
        assertTrue(f.narrowed());
        AlertFilter again = AlertFilter.parse(f.queryString());
        assertEquals(f.withoutPage(), again);
        assertEquals("/alerts?" + f.queryString() + "&after=x%2By", f.pageHref("x+y"));
        Instant now = Instant.parse("2026-06-01T00:00:00Z");
        Alerts.AlertQuery q = f.query(Scope.everything(), now, 50);
        assertEquals(Optional.of(now.minus(Duration.ofDays(7))), q.from());
        assertEquals(Optional.of("my shop & co"), q.application());
        assertEquals(Alerts.Sort.SEVERITY, q.sort());
    }

    @Test
    void valuesTheFormDoesNotOfferAreRefused() {
        for (String bad : List.of("severity=P9", "state=DONE", "range=2y", "sort=random", "rule=" + "r".repeat(65),
                "application=" + "a".repeat(201))) {
            UiException e = assertThrows(UiException.class, () -> AlertFilter.parse(bad), bad);
            assertEquals(400, e.status());
        }
    }
}
