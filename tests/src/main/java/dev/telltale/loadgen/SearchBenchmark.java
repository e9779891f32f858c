package dev.telltale.loadgen;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * {@code bin/telltale-bench search}: a fresh appliance loaded with realistic events through
 * the real protocol (10,000,000 by default), their times spread over the last seven days; once
 * all are indexed, the p50/p95 over HTTPS of term + time-range searches (a few hours), facets
 * and histograms (a day), each measured over ~200 queries after a warm-up. The last line
 * printed is the result: {@code search events=… term_p50_ms=… term_p95_ms=… facets_p50_ms=…
 * facets_p95_ms=… histogram_p50_ms=… histogram_p95_ms=…}.
 */
public final class SearchBenchmark {
    private static final Set<String> FLAGS = Set.of("events", "agents", "batch", "window", "pool", "days", "queries",
            "warmup", "heap", "jar", "keep", "seed", "exclude", "appliance-env");
    private static final long HOUR_MS = 3_600_000L;

    private SearchBenchmark() {
    }

    public static void main(String[] args) {
        Flags flags;
        try {
            flags = new Flags(args, FLAGS);
        } catch (IllegalArgumentException e) {
            System.err.println("telltale-bench search: " + e.getMessage());
            System.err.println("usage: telltale-bench search [--events 10000000] [--days 7] [--queries 200] [--warmup 20]"
                    + " [--agents 4] [--batch 500] [--window 8] [--pool 16384] [--heap 1g] [--seed 1] [--keep false]"
                    + " [--jar PATH] [--exclude type,type] [--appliance-env KEY=VALUE,...]");
            System.exit(2);
            return;
        }
        try {
            System.out.println(run(flags));
            System.exit(0);
        } catch (Exception e) {
            System.err.println("search benchmark failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    static String run(Flags f) throws Exception {
        Path root = Path.of(System.getProperty("telltale.root", ".")).toAbsolutePath();
        Path jar = Path.of(f.string("jar", root.resolve("server/app/target/telltale-server.jar").toString()));
        long events = f.number("events", 10_000_000);
        int days = f.integer("days", 7);
        int queries = f.integer("queries", 200);
        int warmup = f.integer("warmup", 20);
        BenchSupport.progress(MachineProfile.get().summary());
        try (BenchSupport b = BenchSupport.start(jar, f.string("heap", "1g"), Boolean.parseBoolean(f.string("keep", "false")),
                f.pairs("appliance-env"))) {
            try {
                LoadConfig cfg = LoadConfig.of("127.0.0.1", b.appliance.ingestPort(), b.tls, b.runToken)
                        .withAgents(f.integer("agents", 4)).withBatchSize(f.integer("batch", 500))
                        .withWindow(f.integer("window", 8)).withPoolEvents(f.integer("pool", 16_384))
                        .withSeed(f.number("seed", 1)).withExcluded(f.eventTypes("exclude"));
                LoadGenerator gen = new LoadGenerator(cfg);
                long nowMs = System.currentTimeMillis();
                long fromMs = nowMs - days * 24 * HOUR_MS;
                long batches = Math.max(1, events / cfg.batchSize());
                long stepUs = days * 24 * HOUR_MS * 1000 / batches;
                // Batch k of agent a lands at the (k * agents + a)-th slot of the range: time advances with the load.
                LoadConfig.BaseTime spread = (agent, batch) -> fromMs * 1000 + (batch * cfg.agents() + agent) * stepUs;
                BenchSupport.progress("loading " + events + " events over " + days + " days with " + cfg.agents() + " agents"
                        + (cfg.excluded().isEmpty() ? "" : ", leaving out " + cfg.excluded()));
                load(b, gen, cfg.withBaseTime(spread).withMaxEvents(events).withDuration(Duration.ofHours(12)));

                List<String> hosts = gen.pools().stream().map(p -> p.process().hostname()).toList();
                Random r = new Random(f.number("seed", 1));
                Query term = () -> {
                    long from = randomFrom(r, fromMs, nowMs, 3 * HOUR_MS);
                    String q = switch (r.nextInt(4)) {
                        case 0 -> "type:file AND path:/etc/*";
                        case 1 -> "rport:443";
                        case 2 -> "app:shop AND host:" + hosts.get(r.nextInt(hosts.size()));
                        default -> "type:network AND fqdn:api.stripe.com";
                    };
                    return b.api.search(params(q, from, from + 3 * HOUR_MS, "limit", "50"));
                };
                Query facets = () -> {
                    long from = randomFrom(r, fromMs, nowMs, 24 * HOUR_MS);
                    String q = r.nextBoolean() ? "" : "type:file";
                    return b.api.facets(params(q, from, from + 24 * HOUR_MS, "dims", "type,app,host"));
                };
                Query histogram = () -> {
                    long from = randomFrom(r, fromMs, nowMs, 24 * HOUR_MS);
                    String q = r.nextBoolean() ? "" : "type:network AND rport:443";
                    return b.api.histogram(params(q, from, from + 24 * HOUR_MS, "buckets", "60"));
                };
                double[] t = measure("term + time range", term, warmup, queries);
                double[] fa = measure("facets", facets, warmup, queries);
                double[] h = measure("histogram", histogram, warmup, queries);
                long indexed = (long) b.metric("telltale_store_indexed_events_total");
                return String.format(Locale.ROOT, "search events=%d term_p50_ms=%.1f term_p95_ms=%.1f facets_p50_ms=%.1f"
                        + " facets_p95_ms=%.1f histogram_p50_ms=%.1f histogram_p95_ms=%.1f", indexed, t[0], t[1], fa[0], fa[1],
                        h[0], h[1]);
            } catch (IOException | RuntimeException e) {
                // Most failures start inside the appliance; its log says how.
                throw new IOException(e.getMessage() + b.applianceErrors(), e);
            }
        }
    }

    private static void load(BenchSupport b, LoadGenerator gen, LoadConfig run) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        LoadGenerator.Run r = gen.start(run, null);
        Map<String, LongSupplier> watch = new LinkedHashMap<>();
        watch.put("sent", r.counters()::eventsSent);
        watch.put("acked", r.counters()::eventsAcked);
        watch.put("indexed", () -> {
            try {
                return (long) b.metric("telltale_store_indexed_events_total");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Thread waiter = Thread.ofPlatform().daemon().start(() -> {
            try {
                while (r.counters().failure() == null && r.counters().eventsAcked() < run.maxEvents()) {
                    BenchSupport.window("loading, acked", r.counters()::eventsAcked, 30, watch);
                }
            } catch (InterruptedException | RuntimeException ignored) {
                // Progress only.
            }
        });
        LoadResult res = r.await();
        waiter.interrupt();
        BenchSupport.progress(String.format(Locale.ROOT, "loaded %d events in %.0f s (%.0f acked/s)", res.eventsAcked(),
                (System.nanoTime() - t0) / 1e9, res.ackedPerSecond()));
        long journaled = (long) b.metric("telltale_journal_events_total");
        if (!b.awaitIndexed(journaled, 3600)) {
            throw new IOException("the appliance did not index its " + journaled + " events within an hour"
                    + b.applianceErrors());
        }
        BenchSupport.progress(String.format(Locale.ROOT, "all %d events indexed after %.0f s", journaled,
                (System.nanoTime() - t0) / 1e9));
        b.awaitQuiet(300);
    }

    @FunctionalInterface
    private interface Query {
        JsonNode run() throws IOException;
    }

    private static long randomFrom(Random r, long fromMs, long toMs, long widthMs) {
        return fromMs + (long) (r.nextDouble() * Math.max(1, toMs - fromMs - widthMs));
    }

    private static Map<String, String> params(String q, long fromMs, long toMs, String k, String v) {
        Map<String, String> p = new HashMap<>();
        if (!q.isEmpty()) {
            p.put("q", q);
        }
        p.put("from", Long.toString(fromMs));
        p.put("to", Long.toString(toMs));
        p.put(k, v);
        return p;
    }

    /** p50 and p95 in ms of {@code n} queries after {@code warmup} unmeasured ones, with the average hit count. */
    private static double[] measure(String what, Query q, int warmup, int n) throws IOException {
        for (int i = 0; i < warmup; i++) {
            q.run();
        }
        double[] ms = new double[n];
        long hits = 0;
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            JsonNode r = q.run();
            ms[i] = (System.nanoTime() - t0) / 1e6;
            hits += r.path("total").asLong();
        }
        Arrays.sort(ms);
        double p50 = ms[(int) Math.ceil(0.50 * n) - 1];
        double p95 = ms[(int) Math.ceil(0.95 * n) - 1];
        BenchSupport.progress(String.format(Locale.ROOT, "%s: %d queries, p50 %.1f ms, p95 %.1f ms, max %.1f ms,"
                + " %d matches on average", what, n, p50, p95, ms[n - 1], hits / n));
        return new double[]{p50, p95};
    }
}
