package dev.telltale.evaluation;

import dev.telltale.db.Database;
import dev.telltale.journal.JournalRecord;
import dev.telltale.policy.Finding;
import dev.telltale.policy.Policies;
import dev.telltale.policy.rules.BuiltInRules;
import dev.telltale.policy.rules.Fixtures;
import dev.telltale.policy.rules.Harness;
import dev.telltale.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine over every recorded fixture reports what the rules' own tests expect: the
 * engine's dispatch, lazy decoding, process table and fork handling change nothing a rule sees.
 */
class EngineMatchesRulesTest {
    @TempDir
    Path data;

    @Test
    void everyFixtureGivesTheSameFindingsThroughTheEngine() throws IOException {
        List<String> scenarios;
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/policy-fixtures"))) {
            scenarios = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5)).sorted().toList();
        }
        assertTrue(scenarios.size() >= 15, "fixtures: " + scenarios);
        try (Database db = Database.open(data)) {
            Policies policies = Policies.create(db, BuiltInRules.all(), new MutableClock(Instant.EPOCH));
            policies.setDefault(policies.byName(Policies.MAX_ALERT).orElseThrow().id(), "test");
            int total = 0;
            for (String s : scenarios) {
                List<Fixtures.Recorded> events = Fixtures.load(s);
                // Same rules, keys and counts; the engine may report a spawn at the child's exec rather
                // than at its start, because a forked child inherits its parent's facts there.
                List<String> expected = new ArrayList<>();
                new Harness().run(events).fired().forEach(f -> expected.add(f.ruleId() + " " + f.key()));
                StreamEvaluator engine = new StreamEvaluator(new ProcessTable(1000), e -> {
                    throw e;
                });
                List<Finding> found = new ArrayList<>();
                long position = 0;
                for (Fixtures.Recorded r : events) {
                    JournalRecord rec = JournalRecord.of(position, position + 1, r.context(), 1, 1, r.uid(),
                            r.timeUs() - r.event().dtUs(), r.timeUs() / 1000, r.event());
                    position++;
                    engine.evaluate(rec, policies.current(), found);
                }
                List<String> actual = new ArrayList<>();
                found.forEach(f -> actual.add(f.ruleId() + " " + f.key()));
                expected.sort(null);
                actual.sort(null);
                assertEquals(expected, actual, "scenario " + s);
                total += actual.size();
            }
            assertTrue(total > 20, "the fixtures fire rules: " + total);
        }
    }
}
