package dev.telltale.loadgen;

import dev.telltale.journal.JournalRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * {@code bin/telltale-bench ingest}: a fresh appliance in its own JVM ({@code -Xms1g -Xmx1g}), warmed
 * up ({@code --warmup}, 120 s: the JIT's first minutes are not measured, decision 29; then for up to
 * {@code --jit-settle} seconds more until its C2 compiler is quiet, decision 37) and then
 * saturated by the load generator over TLS 1.3 (acknowledged events per second);
 * in the same run, the same events indexed by bare Lucene with the appliance's settings on the
 * same number of threads, warm too (a first pass into a throwaway index); then
 * ingest-to-searchable latency at half the measured rate (markers sent in the paced run's
 * first {@code --latency-warmup} seconds, and of the compiler's settling after them, are not counted); wire
 * bytes per event; the sample session's wire bytes; the appliance's peak heap. The last line
 * printed is the result:
 * {@code ingest events_per_s=… lucene_only_events_per_s=… ratio=… p99_searchable_ms=…
 * wire_bytes_per_event=… sample_session_bytes=… heap_max_mb=… policies=on findings=…}. Policies are evaluated
 * as in production (the default policy); {@code --policy-cost true} then saturates a second fresh appliance with
 * the policy engine off and adds {@code without_policies_events_per_s=… policy_cost=…} (1 − on/off).
 */
public final class IngestBenchmark {
    private static final Set<String> FLAGS = Set.of("agents", "batch", "window", "pool", "warmup", "duration",
            "latency-duration", "latency-warmup", "markers", "index-threads", "heap", "jar", "keep", "seed", "exclude",
            "appliance-env", "policy-cost", "jit-settle");

    private IngestBenchmark() {
    }

    public static void main(String[] args) {
        Flags flags;
        try {
            flags = new Flags(args, FLAGS);
        } catch (IllegalArgumentException e) {
            System.err.println("telltale-bench ingest: " + e.getMessage());
            System.err.println("usage: telltale-bench ingest [--agents 6] [--batch 500] [--window 8] [--pool 16384]"
                    + " [--warmup 120] [--duration 30] [--latency-duration 20] [--latency-warmup 30] [--jit-settle 240] [--markers 50]"
                    + " [--index-threads 2]"
                    + " [--heap 1g] [--seed 1] [--keep false] [--jar PATH] [--exclude type,type]"
                    + " [--appliance-env KEY=VALUE,...] [--policy-cost true]");
            System.exit(2);
            return;
        }
        try {
            System.out.println(run(flags));
            System.exit(0);
        } catch (Exception e) {
            System.err.println("ingest benchmark failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    static String run(Flags f) throws Exception {
        Path root = Path.of(System.getProperty("telltale.root", ".")).toAbsolutePath();
        Path jar = Path.of(f.string("jar", root.resolve("server/app/target/telltale-server.jar").toString()));
        int agents = f.integer("agents", 6);
        int warmup = f.integer("warmup", 120);
        int duration = f.integer("duration", 30);
        int latencyDuration = f.integer("latency-duration", 20);
        int latencyWarmup = f.integer("latency-warmup", 30);
        int jitSettle = f.integer("jit-settle", 240);
        int indexThreads = f.integer("index-threads", 2);
        BenchSupport.progress(MachineProfile.get().summary());
        long sampleBytes = SampleSession.create(2023).wireBytes();
        BenchSupport.progress("sample session: 743 events, " + sampleBytes + " wire bytes");

        try (BenchSupport b = BenchSupport.start(jar, f.string("heap", "1g"),
                Boolean.parseBoolean(f.string("keep", "false")), f.pairs("appliance-env"))) {
            try {
                LoadConfig cfg = LoadConfig.of("127.0.0.1", b.appliance.ingestPort(), b.tls, b.runToken).withAgents(agents)
                        .withBatchSize(f.integer("batch", 500)).withWindow(f.integer("window", 8))
                        .withPoolEvents(f.integer("pool", 16_384)).withSeed(f.number("seed", 1))
                        .withExcluded(f.eventTypes("exclude"));
                if (!cfg.excluded().isEmpty()) {
                    BenchSupport.progress("leaving out of the mix: " + cfg.excluded());
                }
                long t0 = System.nanoTime();
                LoadGenerator gen = new LoadGenerator(cfg);
                long poolEvents = gen.pools().stream().mapToLong(p -> p.encoded().length).sum();
                long poolRaw = gen.pools().stream().mapToLong(EventPool::rawBytes).sum();
                BenchSupport.progress(String.format(Locale.ROOT, "%d agents, %d distinct events (%.0f raw bytes/event) generated"
                        + " in %.1f s", agents, poolEvents, poolRaw / (double) poolEvents, (System.nanoTime() - t0) / 1e9));

                Saturation sat = saturate(b, gen, cfg, warmup, jitSettle, duration);

                // Bare Lucene on the same events, once the appliance is idle so it has both cores.
                long journaled = metric(b, "telltale_journal_events_total");
                if (!b.awaitIndexed(journaled, 900)) {
                    throw new IOException("the appliance did not index its " + journaled + " events within 15 minutes");
                }
                b.awaitQuiet(120);
                double luceneOnly = luceneOnly(gen, Math.max(cfg.batchSize(), sat.acked()), indexThreads, b.work);

                LatencyProbe.Result lat = latency(b, gen, cfg.withRate(Math.max(1, Math.round(sat.eventsPerS() / 2)))
                        .withMarkers(f.decimal("markers", 50)).withDuration(Duration.ofSeconds(latencyWarmup + latencyDuration)),
                        latencyWarmup, jitSettle);
                // The live peak (heap still in use after a collection), not the collector's fill level.
                double heapMb = metric(b, "telltale_jvm_heap_live_peak_bytes") / (double) (1 << 20);
                long evaluated = metric(b, "telltale_evaluation_events_total");
                long findings = metric(b, "telltale_evaluation_findings_total");
                BenchSupport.progress("policy engine: " + evaluated + " events evaluated, " + findings + " findings");
                String result = String.format(Locale.ROOT, "ingest events_per_s=%.0f lucene_only_events_per_s=%.0f ratio=%.2f"
                                + " p99_searchable_ms=%.0f wire_bytes_per_event=%.1f sample_session_bytes=%d heap_max_mb=%.0f"
                                + " policies=%s findings=%d%s",
                        sat.eventsPerS(), luceneOnly, sat.eventsPerS() / luceneOnly, lat.percentileMs(99),
                        sat.wireBytesPerEvent(), sampleBytes, heapMb, evaluated > 0 ? "on" : "off", findings, "");
                if (!Boolean.parseBoolean(f.string("policy-cost", "false"))) {
                    return result;
                }
                b.close(); // the second appliance gets the machine to itself
                double off = withoutPolicies(jar, f, gen, cfg, warmup, jitSettle, duration);
                return result + String.format(Locale.ROOT, " without_policies_events_per_s=%.0f policy_cost=%.2f", off,
                        1 - sat.eventsPerS() / off);
            } catch (IOException | RuntimeException e) {
                // Most failures start inside the appliance; its log says how.
                throw new IOException(e.getMessage() + b.applianceErrors(), e);
            }
        }
    }

    /** The same saturation on a second fresh appliance with the policy engine off, for the engine's cost. */
    private static double withoutPolicies(Path jar, Flags f, LoadGenerator gen, LoadConfig cfg, int warmup, int jitSettle,
            int duration) throws Exception {
        Map<String, String> env = new LinkedHashMap<>(f.pairs("appliance-env"));
        env.put("TELLTALE_EVALUATION_ENABLED", "false");
        BenchSupport.progress("policy cost: the same saturation with the policy engine off");
        try (BenchSupport b = BenchSupport.start(jar, f.string("heap", "1g"), false, env)) {
            LoadConfig off = cfg.withTarget("127.0.0.1", b.appliance.ingestPort(), b.tls, b.runToken);
            return saturate(b, gen, off, warmup, jitSettle, duration).eventsPerS();
        }
    }

    /** What the saturation phase measured: acknowledged events/s and in total, and frame bytes per event sent. */
    private record Saturation(double eventsPerS, long acked, double wireBytesPerEvent) {
    }

    /**
     * Saturates for {@code warmup} seconds, then for up to {@code jitSettle} more while the JIT
     * compiles, and measures over the next {@code duration}.
     */
    private static Saturation saturate(BenchSupport b, LoadGenerator gen, LoadConfig cfg, int warmup, int jitSettle,
            int duration) throws IOException, InterruptedException {
        LoadGenerator.Run run = gen.start(cfg.withDuration(Duration.ofSeconds(warmup + jitSettle + duration + 5)), null);
        LoadCounters c = run.counters();
        Map<String, LongSupplier> watch = new LinkedHashMap<>();
        watch.put("sent", c::eventsSent);
        watch.put("acked", c::eventsAcked);
        watch.put("indexed", () -> metric(b, "telltale_store_indexed_events_total"));
        watch.put("evaluated", () -> metric(b, "telltale_evaluation_events_total"));
        // The JIT compiles for the appliance's first one or two minutes (decision 29); the cold
        // start is printed, the figure is the steady state after it.
        int cold = Math.min(warmup, 30);
        long[] first = BenchSupport.window("warm-up acked", c::eventsAcked, cold, watch);
        BenchSupport.progress(String.format(Locale.ROOT, "cold start: %.0f acked/s over the appliance's first %d s",
                first[0] / (first[1] / 1e9), cold));
        if (warmup > cold) {
            BenchSupport.window("warm-up acked", c::eventsAcked, warmup - cold, watch);
        }
        settle(b, "warm-up acked", c::eventsAcked, watch, jitSettle);
        long sent0 = c.eventsSent();
        long bytes0 = c.frameBytes();
        long indexed0 = metric(b, "telltale_store_indexed_events_total");
        long applianceCpu0 = BenchSupport.cpuNanos(b.appliance.pid());
        long ownCpu0 = BenchSupport.cpuNanos(ProcessHandle.current().pid());
        long machine0 = BenchSupport.machineBusyNanos();
        Map<String, Long> threads0 = ThreadCpu.snapshot(b.appliance.pid());
        long[] w = BenchSupport.window("saturation acked", c::eventsAcked, duration, watch);
        Map<String, Long> threads1 = ThreadCpu.snapshot(b.appliance.pid());
        double machineCores = (BenchSupport.machineBusyNanos() - machine0) / (double) w[1];
        double seconds = w[1] / 1e9;
        double applianceCores = (BenchSupport.cpuNanos(b.appliance.pid()) - applianceCpu0) / (double) w[1];
        double ownCores = (BenchSupport.cpuNanos(ProcessHandle.current().pid()) - ownCpu0) / (double) w[1];
        long sentDelta = c.eventsSent() - sent0;
        long bytesDelta = c.frameBytes() - bytes0;
        long indexedDelta = metric(b, "telltale_store_indexed_events_total") - indexed0;
        run.stop();
        LoadResult total = run.await();
        Saturation s = new Saturation(w[0] / seconds, w[0], bytesDelta / (double) Math.max(1, sentDelta));
        double others = Math.max(0, machineCores - applianceCores - ownCores);
        BenchSupport.progress(String.format(Locale.ROOT, "saturation: %.0f acked/s, %.0f indexed/s in the same %.0f s;"
                        + " run total %d sent, %d acked; CPU cores used: appliance %.2f, load generator %.2f, other"
                        + " processes %.2f", s.eventsPerS(), indexedDelta / seconds, seconds, total.eventsSent(),
                total.eventsAcked(), applianceCores, ownCores, others));
        describeThreads("saturation", applianceCores, ThreadCpu.cores(threads0, threads1, w[1]));
        if (others > 0.25) {
            // A shared machine: the figure is then a lower bound of what the appliance can do.
            BenchSupport.progress("WARNING: other processes used " + String.format(Locale.ROOT, "%.2f", others)
                    + " cores during the measurement; the result understates the appliance");
        }
        return s;
    }

    /** Prints where the appliance's cores went in a window, by thread. */
    private static void describeThreads(String window, double applianceCores, Map<String, Double> byThread) {
        // Lucene starts a thread per merge: one that ended within the window is gone from /proc.
        double ended = applianceCores - byThread.values().stream().mapToDouble(Double::doubleValue).sum();
        BenchSupport.progress(window + String.format(Locale.ROOT, ": the appliance's %.2f cores by thread: ", applianceCores)
                + ThreadCpu.describe(byThread)
                + String.format(Locale.ROOT, "; threads that ended within the window %.2f", Math.max(0, ended)));
    }

    /** Extends a warm-up while the appliance's JIT compiles (decision 37) and says how it ended. */
    private static void settle(BenchSupport b, String what, LongSupplier acked, Map<String, LongSupplier> watch,
            int maxSeconds) throws InterruptedException {
        if (maxSeconds > 0) {
            BenchSupport.progress(JitSettle.extend(b.appliance.pid(), what, acked, watch, maxSeconds).describe());
        }
    }

    /** A paced run with latency markers; the markers' send-to-searchable latencies. */
    private static LatencyProbe.Result latency(BenchSupport b, LoadGenerator gen, LoadConfig paced, int warmup,
            int jitSettle) throws IOException, InterruptedException {
        int seconds = (int) paced.duration().toSeconds();
        LoadConfig run = paced.withDuration(Duration.ofSeconds(seconds + jitSettle + 5));
        BenchSupport.progress("latency run: " + run.rate() + " events/s with " + run.markersPerSecond() + " markers/s: "
                + warmup + " s and up to " + jitSettle + " s more while the JIT settles, not counted, then "
                + (seconds - warmup) + " s counted");
        LatencyProbe.Result lat;
        String fsyncs;
        String refreshes;
        String commits;
        try (LatencyProbe probe = new LatencyProbe(b.api, Duration.ofMillis(20))) {
            probe.start();
            LoadGenerator.Run lr = gen.start(run, probe);
            BenchSupport.window("latency warm-up acked", lr.counters()::eventsAcked, warmup, Map.of());
            settle(b, "latency warm-up acked", lr.counters()::eventsAcked, Map.of(), jitSettle);
            probe.countFrom(System.nanoTime());
            Map<String, Double> before = b.api.metrics();
            long cpu0 = BenchSupport.cpuNanos(b.appliance.pid());
            Map<String, Long> threads0 = ThreadCpu.snapshot(b.appliance.pid());
            long[] w = BenchSupport.window("latency run acked", lr.counters()::eventsAcked, seconds - warmup, Map.of());
            Map<String, Long> threads1 = ThreadCpu.snapshot(b.appliance.pid());
            describeThreads("latency run", (BenchSupport.cpuNanos(b.appliance.pid()) - cpu0) / (double) w[1],
                    ThreadCpu.cores(threads0, threads1, w[1]));
            lr.stop();
            lr.await();
            Map<String, Double> after = b.api.metrics();
            fsyncs = FsyncTail.describe(before, after);
            refreshes = refreshes(before, after);
            commits = commits(before, after);
            lat = probe.finish(Duration.ofSeconds(10));
        }
        BenchSupport.progress(String.format(Locale.ROOT, "latency: %d markers, %d never seen, p50 %.0f ms, p99 %.0f ms,"
                        + " max %.0f ms; of which send to ACK p50 %.0f ms, p99 %.0f ms; %d polls of %.1f ms on average",
                lat.markers(), lat.unseen(), lat.percentileMs(50), lat.percentileMs(99), lat.percentileMs(100),
                lat.ackPercentileMs(50), lat.ackPercentileMs(99), lat.polls(), lat.pollMs()));
        BenchSupport.progress("latency: " + lat.notCounted() + " markers of the warm-up not counted; the slowest 2 % of"
                + " the counted ones were sent at " + lat.slowestBySecond());
        BenchSupport.progress("latency: the journal in the counted seconds: " + fsyncs);
        BenchSupport.progress("latency: reader refreshes in the counted seconds: " + refreshes);
        BenchSupport.progress("latency: store commits in the counted seconds: " + commits);
        return lat;
    }

    /**
     * "95 scheduled, 12 waited for by searches": the store's reader refreshes between two
     * readings of /metrics. Each flushes the indexers' buffers as small segments that merges rewrite.
     */
    private static String refreshes(Map<String, Double> before, Map<String, Double> after) {
        return String.format(Locale.ROOT, "%.0f scheduled, %.0f waited for by searches",
                FsyncTail.delta(before, after, "telltale_store_refresh_seconds_count"),
                FsyncTail.delta(before, after, "telltale_store_search_refresh_seconds_count"));
    }

    /**
     * "2, taking 3.1 s in all, 412 index files fsynced": the store's commits between two readings
     * of /metrics. Each fsyncs every index file written since the one before, one at a time.
     */
    private static String commits(Map<String, Double> before, Map<String, Double> after) {
        return String.format(Locale.ROOT, "%.0f, taking %.1f s in all, %.0f index files fsynced",
                FsyncTail.delta(before, after, "telltale_store_commit_seconds_count"),
                FsyncTail.delta(before, after, "telltale_store_commit_seconds_sum"),
                FsyncTail.delta(before, after, "telltale_store_commit_fsynced_files"));
    }

    private static double luceneOnly(LoadGenerator gen, long events, int threads, Path work)
            throws IOException, InterruptedException {
        List<JournalRecord> records = LuceneOnly.records(gen, events);
        long n = records.stream().mapToLong(r -> r.size()).sum();
        // The appliance is measured warm, so the baseline is too: one pass into a throwaway index
        // compiles the document builder and Lucene's indexing, flush and merge code first.
        Path cold = Files.createDirectories(work.resolve("lucene-only-warm-up"));
        BenchSupport.progress("lucene only: warm-up pass, " + n + " events on " + threads + " threads");
        long coldNanos = LuceneOnly.index(cold, records, threads);
        BenchSupport.deleteTree(cold);
        BenchSupport.progress(String.format(Locale.ROOT, "lucene only, warm-up pass: %.1f s, %.0f events/s",
                coldNanos / 1e9, n / (coldNanos / 1e9)));
        Path dir = Files.createDirectories(work.resolve("lucene-only"));
        BenchSupport.progress("lucene only: indexing " + n + " events on " + threads + " threads, then commit");
        long nanos = LuceneOnly.index(dir, records, threads);
        double rate = n / (nanos / 1e9);
        BenchSupport.progress(String.format(Locale.ROOT, "lucene only: %.1f s, %.0f events/s", nanos / 1e9, rate));
        BenchSupport.deleteTree(dir);
        return rate;
    }

    private static long metric(BenchSupport b, String name) {
        try {
            return (long) b.metric(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
