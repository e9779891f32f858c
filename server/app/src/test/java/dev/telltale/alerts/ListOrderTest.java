package dev.telltale.alerts;

import dev.telltale.policy.Severity;
import dev.telltale.store.Scope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two orders of the alert list, their cursors, and the count of matching alerts. */
class ListOrderTest {
    @TempDir
    Path dir;
    Fixture f;

    @BeforeEach
    void open() {
        f = new Fixture(dir);
        // Keys k0..k5, one minute apart, severities P3 P1 P4 P1 P2 P3: k5 is the newest.
        Severity[] sev = {Severity.P3, Severity.P1, Severity.P4, Severity.P1, Severity.P2, Severity.P3};
        for (int i = 0; i < sev.length; i++) {
            f.record(f.finding("web", "1.0", "files.credential-read", "k" + i, "host-1", sev[i]));
            f.clock.advance(Duration.ofMinutes(1));
        }
    }

    @AfterEach
    void close() {
        f.close();
    }

    static Alerts.AlertQuery query(Alerts.Sort sort, int limit, Optional<String> after) {
        return new Alerts.AlertQuery(Set.of(), Set.of(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), limit, after, Scope.everything(), sort);
    }

    /** Every key in the order the list gives, paging {@code limit} at a time. */
    List<String> keys(Alerts.Sort sort, int limit) {
        List<String> out = new ArrayList<>();
        Optional<String> after = Optional.empty();
        do {
            Alerts.AlertPage p = f.alerts.list(query(sort, limit, after));
            p.alerts().forEach(a -> out.add(a.key()));
            after = p.next();
        } while (after.isPresent());
        return out;
    }

    @Test
    void newestFirstByDefaultAndMostSevereFirstOnRequest() {
        assertEquals(List.of("k5", "k4", "k3", "k2", "k1", "k0"), keys(Alerts.Sort.LAST_SEEN, 100));
        assertEquals(List.of("k3", "k1", "k4", "k5", "k0", "k2"), keys(Alerts.Sort.SEVERITY, 100));
    }

    @Test
    void cursorsPageThroughEachOrderWithoutGapsOrRepeats() {
        assertEquals(keys(Alerts.Sort.SEVERITY, 100), keys(Alerts.Sort.SEVERITY, 1));
        assertEquals(keys(Alerts.Sort.SEVERITY, 100), keys(Alerts.Sort.SEVERITY, 4));
        assertEquals(keys(Alerts.Sort.LAST_SEEN, 100), keys(Alerts.Sort.LAST_SEEN, 4));
    }

    @Test
    void aCursorPagesOnlyInTheOrderThatMadeIt() {
        String bySeverity = f.alerts.list(query(Alerts.Sort.SEVERITY, 2, Optional.empty())).next().orElseThrow();
        String byTime = f.alerts.list(query(Alerts.Sort.LAST_SEEN, 2, Optional.empty())).next().orElseThrow();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> f.alerts.list(query(Alerts.Sort.LAST_SEEN, 2, Optional.of(bySeverity))));
        assertTrue(e.getMessage().contains("cursor"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> f.alerts.list(query(Alerts.Sort.SEVERITY, 2, Optional.of(byTime))));
    }

    @Test
    void theCountIgnoresLimitCursorAndOrder() {
        assertEquals(6, f.alerts.count(query(Alerts.Sort.SEVERITY, 1, Optional.empty())));
        Alerts.AlertQuery p1 = new Alerts.AlertQuery(Set.of(Severity.P1), Set.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), 1, Optional.empty(), Scope.everything());
        assertEquals(2, f.alerts.count(p1));
        assertEquals(0, f.alerts.count(new Alerts.AlertQuery(Set.of(), Set.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), 1, Optional.empty(), Scope.teams(Set.of()))));
    }
}
