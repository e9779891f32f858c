package dev.telltale.evaluation;

import dev.telltale.db.Database;
import dev.telltale.journal.JournalRecord;
import dev.telltale.loadgen.LoadConfig;
import dev.telltale.loadgen.LoadGenerator;
import dev.telltale.loadgen.LuceneOnly;
import dev.telltale.policy.Finding;
import dev.telltale.policy.Policies;
import dev.telltale.policy.rules.BuiltInRules;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code bin/telltale-bench policy}: the policy engine alone (no TLS, journal or index) over the
 * load generator's events, under Standard and Max Alert, on one thread as in the appliance.
 * Prints events per second, findings per 1,000 events and findings by rule; the last line is
 * {@code policy standard_events_per_s=… max_alert_events_per_s=… standard_findings_per_1k=…}.
 */
public final class EvaluationBenchmark {
    private EvaluationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long events = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        LoadGenerator gen = new LoadGenerator(LoadConfig.of("127.0.0.1", 1, null, "x").withAgents(6));
        List<JournalRecord> records = LuceneOnly.records(gen, events);
        Path dir = Files.createTempDirectory("telltale-policy-bench");
        try (Database db = Database.open(dir)) {
            Policies policies = Policies.create(db, BuiltInRules.all(), Clock.systemUTC());
            double standard = run(records, policies, "Standard");
            policies.setDefault(policies.byName(Policies.MAX_ALERT).orElseThrow().id(), "bench");
            double max = run(records, policies, "Max Alert");
            policies.setDefault(policies.byName(Policies.STANDARD).orElseThrow().id(), "bench");
            double recorded = withAlerts(records, policies, db);
            System.out.printf(Locale.ROOT, "policy standard_events_per_s=%.0f max_alert_events_per_s=%.0f"
                    + " standard_with_alerts_events_per_s=%.0f%n", standard, max, recorded);
        }
    }

    /** Standard, with findings stored as alerts every 50,000 events (a second at the appliance's rate). */
    private static double withAlerts(List<JournalRecord> records, Policies policies, Database db) {
        dev.telltale.alerts.Alerts alerts = dev.telltale.alerts.Alerts.create(db, Clock.systemUTC(),
                dev.telltale.alerts.AlertsConfig.defaults());
        long total = records.stream().mapToLong(JournalRecord::size).sum();
        double best = 0;
        for (int round = 0; round < 3; round++) {
            StreamEvaluator ev = new StreamEvaluator(new ProcessTable(200_000), e -> { });
            List<Finding> found = new ArrayList<>();
            long since = 0;
            long t0 = System.nanoTime();
            for (JournalRecord r : records) {
                ev.evaluate(r, policies.current(), found);
                since += r.size();
                if (since >= 50_000) {
                    List<Finding> batch = found;
                    dev.telltale.db.Sql.inTransaction(db.dataSource(), c -> {
                        alerts.record(c, batch);
                        return null;
                    });
                    found = new ArrayList<>();
                    since = 0;
                }
            }
            best = Math.max(best, total / ((System.nanoTime() - t0) / 1e9));
        }
        System.out.printf(Locale.ROOT, "Standard with alerts stored: %.0f events/s%n", best);
        return best;
    }

    private static double run(List<JournalRecord> records, Policies policies, String name) {
        long total = records.stream().mapToLong(JournalRecord::size).sum();
        double best = 0;
        List<Finding> found = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            StreamEvaluator ev = new StreamEvaluator(new ProcessTable(200_000), e -> { });
            found.clear();
            long t0 = System.nanoTime();
            for (JournalRecord r : records) {
                ev.evaluate(r, policies.current(), found);
            }
            double perS = total / ((System.nanoTime() - t0) / 1e9);
            best = Math.max(best, perS);
        }
        Map<String, Integer> byRule = new TreeMap<>();
        found.forEach(f -> byRule.merge(f.ruleId(), 1, Integer::sum));
        Map<String, java.util.Set<String>> keys = new TreeMap<>();
        found.forEach(f -> keys.computeIfAbsent(f.ruleId(), k -> new java.util.HashSet<>())
                .add(f.application() + "/" + f.component() + "/" + f.version() + "/" + f.key()));
        keys.forEach((r, k) -> System.out.printf(Locale.ROOT, "  %s: %d distinct alert keys x versions%n", r, k.size()));
        System.out.printf(Locale.ROOT, "%s: %.0f events/s (best of 5), %.1f findings per 1000 events: %s%n", name, best,
                1000.0 * found.size() / total, byRule);
        return best;
    }
}
