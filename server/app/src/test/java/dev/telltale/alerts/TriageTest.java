package dev.telltale.alerts;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.telltale.alerts.TriageState.ACKNOWLEDGED;
import static dev.telltale.alerts.TriageState.FIXED;
import static dev.telltale.alerts.TriageState.NOT_AN_ISSUE;
import static dev.telltale.alerts.TriageState.REPORTED;
import static dev.telltale.alerts.TriageState.RISK_ACCEPTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TriageTest {
    /** The manual transitions of docs/alerts.md; every pair not listed must be refused. */
    static final Map<TriageState, Set<TriageState>> ALLOWED = Map.of(
            REPORTED, EnumSet.of(ACKNOWLEDGED, NOT_AN_ISSUE, RISK_ACCEPTED),
            ACKNOWLEDGED, EnumSet.of(REPORTED, NOT_AN_ISSUE, RISK_ACCEPTED),
            NOT_AN_ISSUE, EnumSet.of(REPORTED),
            RISK_ACCEPTED, EnumSet.of(REPORTED, ACKNOWLEDGED, RISK_ACCEPTED),
            FIXED, EnumSet.of(REPORTED));

    @TempDir
    Path dir;
    Fixture f;
    long alert;
    long occ;

    @BeforeEach
    void open() {
        f = new Fixture(dir);
        f.record(f.finding("checkout", "1.0", "k"));
        Alerts.AlertDetail a = f.only();
        alert = a.alert().id();
        occ = a.occurrences().get(0).id();
    }

    @AfterEach
    void close() {
        f.close();
    }

    private Optional<Instant> expiryFor(TriageState to) {
        return to == RISK_ACCEPTED ? Optional.of(f.clock.instant().plus(Duration.ofDays(30))) : Optional.empty();
    }

    @Test
    void everyAllowedTransitionWorksAndEveryOtherIsRefused() {
        int allowed = 0;
        for (TriageState from : TriageState.values()) {
            for (TriageState to : TriageState.values()) {
                f.force(occ, from);
                boolean ok = ALLOWED.get(from).contains(to);
                String pair = from + " -> " + to;
                if (ok) {
                    Alerts.Occurrence o = f.alerts.transition(alert, occ, to, Optional.of("because " + pair),
                            expiryFor(to), "alice");
                    assertEquals(to, o.state(), pair);
                    assertEquals(expiryFor(to), o.expiresAt(), pair);
                    allowed++;
                } else {
                    InvalidTransitionException e = assertThrows(InvalidTransitionException.class,
                            () -> f.alerts.transition(alert, occ, to, Optional.empty(), expiryFor(to), "alice"), pair);
                    assertTrue(e.conflict(), pair);
                    assertEquals(from.name(), f.column("SELECT state FROM alert_occurrences").get(0), pair);
                }
            }
        }
        assertEquals(11, allowed);
        assertEquals(ALLOWED, Map.of(REPORTED, REPORTED.manualTargets(), ACKNOWLEDGED, ACKNOWLEDGED.manualTargets(),
                NOT_AN_ISSUE, NOT_AN_ISSUE.manualTargets(), RISK_ACCEPTED, RISK_ACCEPTED.manualTargets(),
                FIXED, FIXED.manualTargets()));
        assertEquals(List.of("11"), f.column("SELECT COUNT(*) FROM audit_log WHERE action = 'alert.transition'"));
        // One creation row plus one per allowed transition; refusals leave no trace.
        assertEquals(12, f.count("alert_history"));
    }

    @Test
    void fixedByHandAndTheSameStateTwiceAreRefusedWithClearMessages() {
        InvalidTransitionException fixed = assertThrows(InvalidTransitionException.class,
                () -> f.alerts.transition(alert, occ, FIXED, Optional.empty(), Optional.empty(), "alice"));
        assertTrue(fixed.getMessage().contains("cannot be set by hand"), fixed.getMessage());
        f.alerts.transition(alert, occ, ACKNOWLEDGED, Optional.empty(), Optional.empty(), "alice");
        InvalidTransitionException twice = assertThrows(InvalidTransitionException.class,
                () -> f.alerts.transition(alert, occ, ACKNOWLEDGED, Optional.empty(), Optional.empty(), "alice"));
        assertEquals("the occurrence is already ACKNOWLEDGED", twice.getMessage());
    }

    @Test
    void riskAcceptanceNeedsAnExpiryInTheFutureAndWithinAYear() {
        Instant now = f.clock.instant();
        for (Optional<Instant> bad : List.of(Optional.<Instant>empty(), Optional.of(now), Optional.of(now.minusSeconds(1)),
                Optional.of(now.plus(Duration.ofDays(366))))) {
            InvalidTransitionException e = assertThrows(InvalidTransitionException.class,
                    () -> f.alerts.transition(alert, occ, RISK_ACCEPTED, Optional.empty(), bad, "alice"), bad.toString());
            assertFalse(e.conflict(), "a bad request, not a state conflict");
        }
        assertThrows(InvalidTransitionException.class, () -> f.alerts.transition(alert, occ, ACKNOWLEDGED,
                Optional.empty(), Optional.of(now.plusSeconds(60)), "alice"), "an expiry only for RISK_ACCEPTED");
        Instant in30 = now.plus(Duration.ofDays(30));
        f.alerts.transition(alert, occ, RISK_ACCEPTED, Optional.empty(), Optional.of(in30), "alice");
        Instant in60 = now.plus(Duration.ofDays(60));
        assertEquals(Optional.of(in60), f.alerts.transition(alert, occ, RISK_ACCEPTED, Optional.of("extended"),
                Optional.of(in60), "bob").expiresAt(), "accepting again extends the expiry");
        assertEquals(REPORTED, f.alerts.transition(alert, occ, REPORTED, Optional.empty(), Optional.empty(), "bob").state());
        assertEquals(Optional.empty(), f.only().occurrences().get(0).expiresAt(), "the expiry goes with the state");
    }

    @Test
    void historyAndCommentsAreKeptAndAudited() {
        f.clock.advance(Duration.ofMinutes(1));
        f.alerts.transition(alert, occ, ACKNOWLEDGED, Optional.of("looking"), Optional.empty(), "alice");
        Alerts.Comment c = f.alerts.comment(alert, occ, "ticket SEC-1", "bob");
        assertEquals("1.0", c.version());
        Alerts.AlertDetail a = f.only();
        assertEquals(2, a.history().size());
        Alerts.HistoryEntry created = a.history().get(0);
        assertEquals("system", created.actor());
        assertEquals(Optional.empty(), created.from());
        assertEquals(Optional.of("first seen in version 1.0"), created.comment());
        Alerts.HistoryEntry ack = a.history().get(1);
        assertEquals(List.of("alice", "REPORTED", "ACKNOWLEDGED", "looking"), List.of(ack.actor(),
                ack.from().orElseThrow().name(), ack.to().name(), ack.comment().orElseThrow()));
        assertEquals(List.of("ticket SEC-1"), a.comments().stream().map(Alerts.Comment::text).toList());
        assertEquals(List.of("alert.transition|alice", "alert.comment|bob"),
                f.column("SELECT action || '|' || actor FROM audit_log ORDER BY id"));
        for (String bad : List.of("", "   ", "x".repeat(4001))) {
            assertThrows(InvalidTransitionException.class, () -> f.alerts.comment(alert, occ, bad, "bob"));
        }
        f.alerts.comment(alert, occ, "x".repeat(4000), "bob");
    }

    @Test
    void unknownAlertsAndOccurrencesOfAnotherAlertAreNotFound() {
        f.record(f.finding("cart", "1.0", "k"));
        long otherOcc = Long.parseLong(f.column("SELECT MAX(id) FROM alert_occurrences").get(0));
        assertThrows(AlertNotFoundException.class,
                () -> f.alerts.transition(alert + 100, occ, ACKNOWLEDGED, Optional.empty(), Optional.empty(), "a"));
        assertThrows(AlertNotFoundException.class,
                () -> f.alerts.transition(alert, otherOcc, ACKNOWLEDGED, Optional.empty(), Optional.empty(), "a"));
        assertThrows(AlertNotFoundException.class, () -> f.alerts.comment(alert, otherOcc, "hi", "a"));
        assertThrows(AlertNotFoundException.class, () -> f.alerts.evidence(alert, Optional.of(otherOcc), 10,
                Optional.empty(), dev.telltale.store.Scope.everything()));
        assertThrows(AlertNotFoundException.class, () -> f.alerts.get(alert, dev.telltale.store.Scope.teams(Set.of())));
    }
}
