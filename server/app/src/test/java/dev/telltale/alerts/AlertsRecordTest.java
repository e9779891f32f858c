package dev.telltale.alerts;

import dev.telltale.db.DatabaseException;
import dev.telltale.db.Sql;
import dev.telltale.policy.Finding;
import dev.telltale.policy.Severity;
import dev.telltale.store.Scope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlertsRecordTest {
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

    @Test
    void theSameRuleAndKeyGroupIntoOneAlertWithCountsHostsAndVersions() {
        Finding first = f.finding("checkout", "1.0", "files.credential-read", "/etc/shadow", "host-a", Severity.P3);
        f.clock.advance(Duration.ofMinutes(1));
        f.record(first, f.finding("checkout", "1.0", "files.credential-read", "/etc/shadow", "host-b", Severity.P1));
        f.clock.advance(Duration.ofMinutes(1));
        Finding last = f.finding("checkout", "1.1", "files.credential-read", "/etc/shadow", "host-a", Severity.P2);
        f.record(last);

        Alerts.AlertDetail a = f.only();
        assertEquals(3, a.alert().events());
        assertEquals(Severity.P1, a.alert().severity(), "the highest severity seen");
        assertEquals(first.eventTime(), a.alert().firstSeen());
        assertEquals(last.eventTime(), a.alert().lastSeen());
        assertEquals("shop", a.alert().application());
        assertEquals("checkout", a.alert().component());
        assertEquals("/etc/shadow", a.alert().key());
        assertEquals(List.of("1.0", "1.1"), a.versions());
        assertEquals(2, f.occurrence(a, "1.0").events());
        assertEquals(1, f.occurrence(a, "1.1").events());
        assertEquals(Map.of(TriageState.REPORTED, 2), a.alert().states());
        Map<String, Long> hosts = new java.util.HashMap<>();
        a.hosts().forEach(h -> hosts.put(h.hostname(), h.events()));
        assertEquals(Map.of("host-a", 2L, "host-b", 1L), hosts);
    }

    @Test
    void anotherComponentRuleOrKeyIsAnotherAlert() {
        f.record(f.finding("checkout", "1.0", "k"), f.finding("cart", "1.0", "k"), f.finding("checkout", "1.0", "other"),
                f.finding("checkout", "1.0", "net.listen-any", "k", "host-1", Severity.P3));
        assertEquals(4, f.alerts.list(Fixture.query()).alerts().size());
        assertEquals(4, f.count("alert_occurrences"));
    }

    @Test
    void evidenceListsEveryEventNewestFirstInPages() {
        Set<Long> uids = new HashSet<>();
        for (int batch = 0; batch < 3; batch++) {
            List<Finding> fs = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                f.clock.advance(Duration.ofMillis(1));
                Finding x = f.finding("checkout", batch == 2 ? "1.1" : "1.0", "k");
                fs.add(x);
                uids.add(x.eventUid());
            }
            f.record(fs);
        }
        Alerts.AlertDetail a = f.only();
        assertEquals(75, a.alert().events());
        List<Alerts.Evidence> seen = new ArrayList<>();
        Optional<String> after = Optional.empty();
        do {
            Alerts.EvidencePage p = f.alerts.evidence(a.alert().id(), Optional.empty(), 10, after, Scope.everything());
            seen.addAll(p.evidence());
            after = p.next();
        } while (after.isPresent());
        assertEquals(uids, new HashSet<>(seen.stream().map(Alerts.Evidence::eventUid).toList()));
        assertEquals(75, seen.size());
        for (int i = 1; i < seen.size(); i++) {
            assertFalse(seen.get(i).eventTime().isAfter(seen.get(i - 1).eventTime()), "newest first");
        }
        long occ = f.occurrence(a, "1.1").id();
        Alerts.EvidencePage newer = f.alerts.evidence(a.alert().id(), Optional.of(occ), 100, Optional.empty(),
                Scope.everything());
        assertEquals(25, newer.evidence().size());
        assertTrue(newer.evidence().stream().allMatch(e -> e.version().equals("1.1") && e.occurrenceId() == occ));
        assertEquals("summary " + newer.evidence().get(0).eventUid(), newer.evidence().get(0).summary());
    }

    @Test
    void evidenceSpanningManyChunksPagesWithoutLossOrRepeat() {
        List<Finding> fs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Finding x = f.finding("checkout", "1.0", "k");
            fs.add(new Finding(x.teamId(), x.application(), x.component(), x.version(), x.hostname(), x.ruleId(),
                    x.severity(), x.key(), "é".repeat(480) + " " + x.eventUid(), x.eventUid(), x.eventTime(), x.agentId(),
                    x.pid(), x.policy()));
        }
        f.record(fs);
        assertTrue(f.count("alert_evidence_chunks") >= 6, "1 kB summaries fill several chunks");
        assertEquals(200, f.count("alert_evidence"));
        List<Long> uids = new ArrayList<>();
        Optional<String> after = Optional.empty();
        do {
            Alerts.EvidencePage p = f.alerts.evidence(f.only().alert().id(), Optional.empty(), 13, after,
                    Scope.everything());
            p.evidence().forEach(e -> uids.add(e.eventUid()));
            assertTrue(p.evidence().get(0).summary().endsWith(" " + p.evidence().get(0).eventUid()));
            after = p.next();
        } while (after.isPresent());
        List<Long> expected = new ArrayList<>(fs.stream().map(Finding::eventUid).toList());
        java.util.Collections.reverse(expected);
        assertEquals(expected, uids, "every finding once, the most recently recorded first");
        assertThrows(IllegalArgumentException.class, () -> f.alerts.evidence(f.only().alert().id(), Optional.empty(),
                10, Optional.of("bm90LWEtY3Vyc29y"), Scope.everything()));
    }

    @Test
    void aRolledBackRecordLeavesNothingAndARetryWorks() throws Exception {
        List<Finding> batch = List.of(f.finding("checkout", "1.0", "k"), f.finding("checkout", "1.1", "k"),
                f.finding("cart", "2.0", "k"));
        try (Connection c = f.db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            f.alerts.record(c, batch);
            c.rollback();
        }
        for (String t : List.of("alerts", "alert_occurrences", "alert_hosts", "alert_evidence", "alert_evidence_chunks", "alert_history",
                "components", "component_versions")) {
            assertEquals(0, f.count(t), t);
        }
        f.record(batch);
        assertEquals(2, f.count("alerts"));
        assertEquals(3, f.count("alert_evidence"));
        assertEquals(3, f.count("alert_history"), "one creation row per occurrence");
    }

    @Test
    void aFailureInTheCallersTransactionUndoesTheAlertsToo() {
        Finding x = f.finding("checkout", "1.0", "k");
        assertThrows(DatabaseException.class, () -> Sql.inTransaction(f.db.dataSource(), c -> {
            f.alerts.record(c, List.of(x));
            c.createStatement().execute("SELECT no_such_column FROM alerts");
            return null;
        }));
        assertEquals(0, f.count("alerts"));
        f.record(x);
        assertEquals(1, f.only().alert().events());
    }

    @Test
    void concurrentBatchesCreatingTheSameAlertShareItsRows() throws Exception {
        int threads = 4;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 5; round++) {
                String key = "race-" + round;
                java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
                List<java.util.concurrent.Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    List<Finding> batch = List.of(f.finding("checkout", "1.0", key), f.finding("checkout", "1.1", key),
                            f.finding("checkout", "1.0", "files.credential-read", key, "host-" + t, Severity.P3));
                    done.add(pool.submit(() -> {
                        start.await(10, java.util.concurrent.TimeUnit.SECONDS);
                        f.record(batch);
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> d : done) {
                    d.get(60, java.util.concurrent.TimeUnit.SECONDS);
                }
                assertEquals(List.of(String.valueOf(3 * threads)),
                        f.column("SELECT event_count FROM alerts WHERE alert_key = '" + key + "'"));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(5, f.count("alerts"));
        assertEquals(10, f.count("alert_occurrences"));
        assertEquals(5 * threads, f.count("alert_hosts"), "host-0..3, one of them also the default host-1");
        assertEquals(5 * 3 * threads, f.count("alert_evidence"));
        assertEquals(10, f.count("alert_history"), "one creation row per occurrence, none from losers of a race");
    }

    @Test
    void longKeysAndHostNamesFit() {
        String key = "k".repeat(Finding.KEY_MAX - 1) + "é";
        f.record(f.finding("checkout", "1.0", "files.credential-read", key, "h".repeat(300), Severity.P4),
                f.finding("checkout", "1.0", "files.credential-read", key.substring(1) + "x", "h", Severity.P4));
        assertEquals(2, f.count("alerts"), "keys that differ only at the end are different alerts");
        f.record(f.finding("checkout", "1.0", "files.credential-read", key, "h", Severity.P4));
        assertEquals(2, f.count("alerts"));
        assertTrue(f.column("SELECT alert_key FROM alerts").contains(key));
    }

    @Test
    void aNameLongerThanItsColumnIsRefusedBeforeTouchingTheDatabase() {
        Finding bad = f.finding("checkout", "v".repeat(101), "k");
        assertThrows(IllegalArgumentException.class, () -> f.alerts.record(null, List.of(bad)));
    }
}
