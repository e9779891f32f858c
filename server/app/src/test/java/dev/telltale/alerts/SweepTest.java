package dev.telltale.alerts;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static dev.telltale.alerts.TriageState.ACKNOWLEDGED;
import static dev.telltale.alerts.TriageState.FIXED;
import static dev.telltale.alerts.TriageState.NOT_AN_ISSUE;
import static dev.telltale.alerts.TriageState.REPORTED;
import static dev.telltale.alerts.TriageState.RISK_ACCEPTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The system's transitions: expiry, Fixed, carry-over, reopening. */
class SweepTest {
    @TempDir
    Path dir;
    Fixture f;

    @BeforeEach
    void open() {
        f = new Fixture(dir);
    }

    @AfterEach
    void close() {
        f.close();
    }

    /** The occurrence of version of the alert with key "k". */
    private Alerts.Occurrence occ(String version) {
        return f.occurrence(alert(), version);
    }

    private Alerts.AlertDetail alert() {
        long id = Long.parseLong(f.column("SELECT a.id FROM alerts a JOIN components c ON c.id = a.component_id"
                + " WHERE a.alert_key = 'k' AND c.name = 'checkout'").get(0));
        return f.alerts.get(id, dev.telltale.store.Scope.everything());
    }

    private void transition(String version, TriageState to, Optional<Instant> expires) {
        f.alerts.transition(alert().alert().id(), occ(version).id(), to, Optional.empty(), expires, "alice");
    }

    @Test
    void evidenceAgesOutWithTheEventsItLinksToButTheAlertStays() {
        f.record(f.finding("checkout", "1.0", "k"));
        f.clock.advance(java.time.Duration.ofDays(20));
        f.record(f.finding("checkout", "1.0", "k"));
        f.alerts.sweep();
        assertEquals(2, f.count("alert_evidence"), "both within 30 days");
        f.clock.advance(java.time.Duration.ofDays(11));
        f.alerts.sweep();
        assertEquals(1, f.count("alert_evidence"), "the 31-day-old evidence went");
        assertEquals(2, alert().alert().events(), "the alert keeps its count and history");
        f.clock.advance(java.time.Duration.ofDays(20));
        f.alerts.sweep();
        assertEquals(0, f.count("alert_evidence"));
        assertEquals(1, f.count("alerts"));
    }

    @Test
    void anExpiredRiskAcceptanceReopens() {
        f.record(f.finding("checkout", "1.0", "k"));
        transition("1.0", RISK_ACCEPTED, Optional.of(f.clock.instant().plus(Duration.ofDays(7))));
        f.clock.advance(Duration.ofDays(7).minusSeconds(1));
        assertEquals(0, f.alerts.sweep());
        assertEquals(RISK_ACCEPTED, occ("1.0").state());
        f.clock.advance(Duration.ofSeconds(1));
        assertEquals(1, f.alerts.sweep());
        assertEquals(REPORTED, occ("1.0").state());
        assertEquals(Optional.empty(), occ("1.0").expiresAt());
        Alerts.HistoryEntry last = f.only().history().get(2);
        assertEquals(List.of("system", "risk acceptance expired"), List.of(last.actor(), last.comment().orElseThrow()));
        assertEquals(0, f.alerts.sweep(), "nothing left to do");
    }

    @Test
    void olderOccurrencesBecomeFixedOnceANewerVersionRanFixedAfterWithoutThem() {
        f.agentRuns("a-1", "checkout", "1.0");
        f.record(f.finding("checkout", "1.0", "k"), f.finding("checkout", "1.0", "other"));
        transition("1.0", ACKNOWLEDGED, Optional.empty());
        long other = Long.parseLong(f.column("SELECT o.id FROM alert_occurrences o JOIN alerts a ON a.id = o.alert_id"
                + " WHERE a.alert_key = 'other'").get(0));
        f.force(other, NOT_AN_ISSUE);
        f.clock.advance(Duration.ofMinutes(5));
        f.agentRuns("a-1", "checkout", "1.1");
        f.clock.advance(Duration.ofHours(23));
        f.agentRuns("a-2", "checkout", "1.1");
        assertEquals(0, f.alerts.sweep(), "1.1 has not run for 24 hours yet");
        f.clock.advance(Duration.ofHours(1));
        assertEquals(1, f.alerts.sweep());
        assertEquals(FIXED, occ("1.0").state());
        assertEquals(NOT_AN_ISSUE.name(), f.column("SELECT state FROM alert_occurrences WHERE id = " + other).get(0),
                "NOT_AN_ISSUE stays");
        Alerts.HistoryEntry last = alert().history().getLast();
        assertEquals("fixed: version 1.1 has run for PT24H without it", last.comment().orElseThrow());
        assertEquals(ACKNOWLEDGED, last.from().orElseThrow());
    }

    @Test
    void noFixWhileTheNewerVersionShowsTheAlertOrHasStoppedRunningOrTheOldOneStillShowsIt() {
        f.record(f.finding("checkout", "1.0", "k"));
        f.clock.advance(Duration.ofMinutes(1));
        f.agentRuns("a-1", "checkout", "1.1");
        f.record(f.finding("checkout", "1.1", "k"));
        f.clock.advance(Duration.ofMinutes(1));
        f.agentRuns("a-1", "checkout", "1.2");
        f.clock.advance(Duration.ofHours(24).plusMinutes(1));
        f.record(f.finding("checkout", "1.0", "k"));
        assertEquals(0, f.alerts.sweep(), "1.2 was last seen over 24 h ago");
        f.agentRuns("a-1", "checkout", "1.2");
        assertEquals(1, f.alerts.sweep(), "1.2 runs now: 1.1 is fixed; 1.0 was seen moments ago");
        assertEquals(FIXED, occ("1.1").state());
        assertEquals(REPORTED, occ("1.0").state());
        f.clock.advance(Duration.ofHours(24).plusSeconds(1));
        f.agentRuns("a-1", "checkout", "1.2");
        assertEquals(1, f.alerts.sweep());
        assertEquals(FIXED, occ("1.0").state());
    }

    @Test
    void aFindingOnAFixedOccurrenceReopensIt() {
        f.record(f.finding("checkout", "1.0", "k"));
        f.force(occ("1.0").id(), FIXED);
        f.record(f.finding("checkout", "1.0", "k"));
        assertEquals(REPORTED, occ("1.0").state());
        Alerts.HistoryEntry last = f.only().history().getLast();
        assertEquals(List.of("system", "seen again in version 1.0 after it was fixed"),
                List.of(last.actor(), last.comment().orElseThrow()));
    }

    @Test
    void aNewVersionInheritsTheTriageOfThePreviousOccurrence() {
        f.record(f.finding("checkout", "1.0", "k"));
        Instant until = f.clock.instant().plus(Duration.ofDays(10));
        transition("1.0", RISK_ACCEPTED, Optional.of(until));
        f.record(f.finding("checkout", "1.1", "k"));
        Alerts.Occurrence carried = occ("1.1");
        assertEquals(RISK_ACCEPTED, carried.state());
        assertEquals(Optional.of(until), carried.expiresAt());
        assertEquals(Optional.of(occ("1.0").id()), carried.carriedFrom());
        assertEquals("carried over from version 1.0", f.only().history().getLast().comment().orElseThrow());

        transition("1.1", REPORTED, Optional.empty());
        transition("1.1", NOT_AN_ISSUE, Optional.empty());
        f.record(f.finding("checkout", "1.2", "k"), f.finding("checkout", "1.3", "k"));
        assertEquals(NOT_AN_ISSUE, occ("1.2").state());
        assertEquals(NOT_AN_ISSUE, occ("1.3").state(), "carried along a chain within one batch");

        f.record(f.finding("cart", "1.3", "k"));
        assertEquals(2, f.alerts.list(Fixture.query()).alerts().size());
        assertEquals(List.of(REPORTED.name()), f.column("SELECT o.state FROM alert_occurrences o JOIN alerts a"
                + " ON a.id = o.alert_id JOIN components c ON c.id = a.component_id WHERE c.name = 'cart'"),
                "never carried to another component");
    }

    @Test
    void aNewVersionAfterAFixedOneIsARegressionAndReportedOnesCarryNothing() {
        f.record(f.finding("checkout", "1.0", "k"));
        f.force(occ("1.0").id(), FIXED);
        f.record(f.finding("checkout", "2.0", "k"));
        assertEquals(REPORTED, occ("2.0").state());
        assertEquals(Optional.empty(), occ("2.0").carriedFrom());
        assertTrue(f.only().history().getLast().comment().orElseThrow().startsWith("regression: seen in version 2.0"));
        assertEquals(FIXED, occ("1.0").state(), "the old version's occurrence stays fixed");
        f.record(f.finding("checkout", "3.0", "k"));
        assertEquals(REPORTED, occ("3.0").state());
        assertEquals("first seen in version 3.0", f.only().history().getLast().comment().orElseThrow());
    }

    @Test
    void anExpiredAcceptanceDoesNotCarryOver() {
        f.record(f.finding("checkout", "1.0", "k"));
        transition("1.0", RISK_ACCEPTED, Optional.of(f.clock.instant().plus(Duration.ofDays(1))));
        f.clock.advance(Duration.ofDays(2));
        f.record(f.finding("checkout", "1.1", "k"));
        assertEquals(REPORTED, occ("1.1").state());
    }
}
