package dev.telltale.evaluation;

import dev.telltale.db.Database;
import dev.telltale.journal.AgentContext;
import dev.telltale.journal.RecordSink;
import dev.telltale.metrics.Metrics;
import dev.telltale.policy.Policies;
import dev.telltale.policy.PolicyDraft;
import dev.telltale.policy.TestRules;
import dev.telltale.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.telltale.evaluation.EngineFixture.SHOP;
import static dev.telltale.evaluation.EngineFixture.bind;
import static dev.telltale.evaluation.EngineFixture.file;
import static dev.telltale.evaluation.EngineFixture.heartbeat;
import static dev.telltale.evaluation.EngineFixture.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyEngineTest {
    @TempDir
    Path data;
    private Database db;
    private Policies policies;
    private FindingWriter writer;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
    private final EngineFixture fx = new EngineFixture();
    private final EvaluationConfig config = new EvaluationConfig(true, Duration.ofSeconds(1), 20_000, 1000, 16);

    @BeforeEach
    void open() throws Exception {
        db = Database.open(data);
        policies = Policies.create(db, TestRules.all(), clock);
        writer = EngineFixture.table(db);
    }

    @AfterEach
    void close() {
        db.close();
    }

    private PolicyEngine engine() {
        return PolicyEngine.open(db, policies, writer, config, new Metrics(), clock);
    }

    @Test
    void findingsAndThePositionCommitTogetherAndTheJournalHearsIt() throws Exception {
        List<Long> released = new CopyOnWriteArrayList<>();
        PolicyEngine engine = engine();
        RecordSink sink = engine.start(released::add);
        var r = fx.record(SHOP, file(10, "/etc/hostname"), file(10, "/etc/shadow"));
        sink.accept(r);
        engine.close();
        assertEquals(List.of("2 test.shadow-open /etc/shadow Standard"), EngineFixture.findings(db));
        assertEquals(r.end(), engine.checkpoint());
        assertEquals(r.end(), released.get(released.size() - 1));
    }

    @Test
    void aCrashBeforeTheCheckpointReEvaluatesOnceAndAfterItNotAtAll() throws Exception {
        var r1 = fx.record(SHOP, file(10, "/etc/shadow"));
        var r2 = fx.record(SHOP, file(11, "/etc/shadow"));
        PolicyEngine crashed = engine();
        crashed.replay(r1); // evaluated, not yet due for a checkpoint: then the process dies
        assertEquals(List.of(), EngineFixture.findings(db));

        PolicyEngine second = engine();
        assertEquals(0, second.checkpoint());
        second.replay(r1);
        clock.advance(Duration.ofSeconds(2));
        second.replay(r2); // due: r1 and r2 commit together, on the committer's thread
        long deadline = System.currentTimeMillis() + 10_000;
        while (second.checkpoint() != r2.end() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(r2.end(), second.checkpoint());
        var r3 = fx.record(SHOP, file(12, "/etc/shadow"));
        second.replay(r3); // not due: lost with the crash, replayed below

        PolicyEngine third = engine();
        assertEquals(r2.end(), third.checkpoint());
        third.replay(r1);
        third.replay(r2);
        third.replay(r3);
        third.close();
        assertEquals(List.of("1 test.shadow-open /etc/shadow Standard", "2 test.shadow-open /etc/shadow Standard",
                "3 test.shadow-open /etc/shadow Standard"), EngineFixture.findings(db));
    }

    @Test
    void aFailingCheckpointIsRetriedInOrderAndNothingIsLostOrDoubled() throws Exception {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        FindingWriter flaky = (c, f) -> {
            if (calls.incrementAndGet() <= 3) {
                throw new java.sql.SQLException("disk full (simulated)", "XSDG1");
            }
            writer.record(c, f);
        };
        EvaluationConfig fast = new EvaluationConfig(true, Duration.ofMillis(10), 20_000, 1000, 16);
        PolicyEngine engine = PolicyEngine.open(db, policies, flaky, fast, new Metrics(), Clock.systemUTC());
        List<Long> released = new CopyOnWriteArrayList<>();
        RecordSink sink = engine.start(released::add);
        long end = 0;
        for (int i = 0; i < 20; i++) {
            var r = fx.record(SHOP, file(10 + i, "/etc/shadow"));
            sink.accept(r);
            end = r.end();
            Thread.sleep(5);
        }
        engine.close();
        assertTrue(calls.get() > 3, "the failed checkpoints were retried: " + calls.get());
        assertEquals(20, EngineFixture.findings(db).size(), "every finding exactly once");
        assertEquals(end, engine.checkpoint());
        for (int i = 1; i < released.size(); i++) {
            assertTrue(released.get(i) >= released.get(i - 1), "positions only grow: " + released);
        }
        assertTrue(engine.healthy());
    }

    @Test
    void perProcessStateSurvivesARestart() throws Exception {
        policies.setDefault(policies.byName(Policies.MAX_ALERT).orElseThrow().id(), "test");
        PolicyEngine first = engine();
        RecordSink sink = first.start(p -> { });
        sink.accept(fx.record(SHOP, start(20, "/usr/sbin/nginx", 0), bind(20, 80)));
        sink.accept(fx.record(SHOP, heartbeat(20)));
        first.close();
        assertEquals(List.of("3 test.root-bound /usr/sbin/nginx Max Alert"), EngineFixture.findings(db));

        PolicyEngine second = engine();
        RecordSink again = second.start(p -> { });
        again.accept(fx.record(SHOP, heartbeat(20))); // same process: already reported before the restart
        again.accept(fx.record(SHOP, start(21, "/usr/bin/python3", 1000), bind(21, 8000), heartbeat(21)));
        second.close();
        assertEquals(1, EngineFixture.findings(db).size(), "a non-root server is not reported");
    }

    @Test
    void policyChangesTakeEffectWithoutARestart() throws Exception {
        PolicyEngine engine = engine();
        RecordSink sink = engine.start(p -> { });
        sink.accept(fx.record(SHOP, file(10, "/etc/shadow"), file(10, "/etc/gshadow")));
        var custom = policies.create(new PolicyDraft("Strict", "", Optional.of(Policies.STANDARD),
                Map.of("test.shadow-open", new PolicyDraft.RuleChange(Optional.empty(), Optional.empty(),
                        Map.of("paths", List.of("/etc/gshadow"))))), "test");
        policies.setDefault(custom.id(), "test");
        sink.accept(fx.record(SHOP, file(10, "/etc/shadow"), file(10, "/etc/gshadow")));
        engine.close();
        assertEquals(List.of("1 test.shadow-open /etc/shadow Standard", "4 test.shadow-open /etc/gshadow Strict"),
                EngineFixture.findings(db));
    }

    @Test
    void thePolicyAnAgentNamesWinsOverTheDefault() throws Exception {
        AgentContext maxAlert = new AgentContext(2, "a2", 1, "default", "shop", "api", "2.0", "host-b", "Max Alert");
        AgentContext unknown = new AgentContext(3, "a3", 1, "default", "shop", "web", "2.0", "host-c", "No Such");
        PolicyEngine engine = engine();
        RecordSink sink = engine.start(p -> { });
        sink.accept(fx.record(maxAlert, start(30, "/usr/sbin/sshd", 0), bind(30, 22), heartbeat(30)));
        sink.accept(fx.record(unknown, start(31, "/usr/sbin/sshd", 0), bind(31, 22), heartbeat(31)));
        engine.close();
        List<String> f = EngineFixture.findings(db);
        assertEquals(List.of("3 test.root-bound /usr/sbin/sshd Max Alert"), f,
                "an unknown policy name falls back to the default (Standard lacks the rule)");
        assertTrue(engine.healthy());
    }
}
