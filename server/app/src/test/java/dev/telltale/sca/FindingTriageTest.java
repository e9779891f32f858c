package dev.telltale.sca;

import dev.telltale.alerts.TriageState;
import dev.telltale.db.Database;
import dev.telltale.db.Sql;
import dev.telltale.sbom.Inventory;
import dev.telltale.store.Scope;
import dev.telltale.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Finding triage on a real Derby database with a clock under the test's control: expiry, state machine, scope. */
class FindingTriageTest {
    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    @TempDir
    Path data;
    Database db;
    long team;
    final MutableClock clock = new MutableClock(T0);
    FindingRows rows;
    FindingTriage triage;

    @BeforeEach
    void open() {
        db = Database.open(data);
        team = Sql.inTransaction(db.dataSource(), c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM teams WHERE name = 'default'");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
        rows = new FindingRows(db.dataSource());
        triage = new FindingTriage(db.dataSource(), clock, Duration.ofDays(90));
    }

    @AfterEach
    void close() {
        db.close();
    }

    /** Stores one finding of openssl for {@code version} as a scan would, and reads it back. */
    Sca.VulnFinding stored(String version) {
        Inventory.VersionRef ref = new Inventory.VersionRef(team, "shop", "checkout", version);
        Sca.VulnFinding f = new Sca.VulnFinding(0, team, "shop", "checkout", version, "pkg:deb/debian/openssl@3.0.11",
                "openssl", "3.0.11", "Debian", "DSA-5621-1", List.of("CVE-2023-5678"), "openssl bugs", Optional.of(7.5),
                Optional.empty(), "HIGH", List.of("3.0.13"), false, false, T0, T0, TriageState.REPORTED, Optional.empty());
        Sql.inTransaction(db.dataSource(), tx -> rows.replace(tx, ref, List.of(new FindingRows.Candidate("k" + version, f)),
                clock.instant()));
        return only(version);
    }

    Sca.VulnFinding only(String version) {
        List<Sca.VulnFinding> all = rows.query(new Sca.FindingQuery(Optional.empty(), Optional.empty(), Optional.of(version),
                Optional.empty(), Optional.empty(), Optional.empty(), 10, Scope.everything()), clock.instant());
        assertEquals(1, all.size());
        return all.get(0);
    }

    @Test
    void anAcceptedRiskReopensOnItsDateAndCanThenBeTriagedAgain() {
        Sca.VulnFinding f = stored("1.0");
        triage.transition(f, TriageState.RISK_ACCEPTED, Optional.of("vendor fix due"), Optional.of(T0.plus(Duration.ofDays(10))),
                "alice");
        assertEquals(TriageState.RISK_ACCEPTED, only("1.0").state());
        assertEquals(Optional.of(T0.plus(Duration.ofDays(10))), only("1.0").stateExpiresAt());
        clock.advance(Duration.ofDays(10));
        assertEquals(TriageState.REPORTED, only("1.0").state(), "reopened on the day the acceptance ends");
        assertEquals(Optional.empty(), only("1.0").stateExpiresAt());
        Sca.TriageEntry e = triage.transition(only("1.0"), TriageState.ACKNOWLEDGED, Optional.empty(), Optional.empty(), "bob");
        assertEquals(TriageState.REPORTED, e.from(), "the change starts from the reopened state");
        assertEquals(List.of("alice", "bob"), triage.history(f).stream().map(Sca.TriageEntry::actor).toList());
    }

    @Test
    void theDecisionCoversTheComponentsOtherVersionsAndOnlyThem() {
        Sca.VulnFinding f = stored("1.0");
        triage.transition(f, TriageState.NOT_AN_ISSUE, Optional.empty(), Optional.empty(), "alice");
        assertEquals(TriageState.NOT_AN_ISSUE, stored("2.0").state(), "same package and advisory in another version");
        assertEquals(1, rows.query(new Sca.FindingQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(TriageState.NOT_AN_ISSUE), 10, Scope.everything()), clock.instant()).stream()
                .filter(x -> x.version().equals("1.0")).count());
        assertTrue(rows.byId(f.id(), clock.instant()).isPresent());
    }

    @Test
    void refusalsLeaveTheStateAsItWas() {
        Sca.VulnFinding f = stored("1.0");
        assertTrue(assertThrows(FindingTriageException.class, () -> triage.transition(f, TriageState.RISK_ACCEPTED,
                Optional.empty(), Optional.of(T0.plus(Duration.ofDays(91))), "alice")).getMessage().contains("90 days"));
        assertTrue(assertThrows(FindingTriageException.class, () -> triage.transition(f, TriageState.ACKNOWLEDGED,
                Optional.empty(), Optional.of(T0.plus(Duration.ofDays(1))), "alice")).getMessage().contains("only to RISK_ACCEPTED"));
        assertTrue(assertThrows(FindingTriageException.class, () -> triage.transition(f, TriageState.REPORTED,
                Optional.empty(), Optional.empty(), "alice")).conflict());
        assertTrue(assertThrows(FindingTriageException.class, () -> triage.transition(f, TriageState.ACKNOWLEDGED,
                Optional.of(" "), Optional.empty(), "alice")).getMessage().contains("comment"));
        assertEquals(TriageState.REPORTED, only("1.0").state());
        assertEquals(List.of(), triage.history(f));
    }
}
