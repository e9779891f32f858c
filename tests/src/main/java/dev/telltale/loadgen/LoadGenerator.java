package dev.telltale.loadgen;

import dev.telltale.protocol.Compression;
import dev.telltale.protocol.Frames;
import dev.telltale.protocol.Hello;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

/**
 * N concurrent agents sending realistic telemetry to a running appliance over TLS 1.3. The
 * events are generated, encoded and compressed once, when the generator is built, so that a
 * run spends its CPU on TLS and framing only and leaves the machine to the appliance. Each
 * agent is one service process ({@code shop/checkout}, {@code shop/cart}, ...) in its own pod.
 */
public final class LoadGenerator {
    private static final String[] COMPONENTS = {"checkout", "cart", "catalog", "payments", "search", "accounts",
        "inventory", "shipping", "reviews", "recommendations", "notifications", "pricing"};

    private final LoadConfig config;
    private final List<EventPool> pools;
    private final List<RealisticEvents> generators;

    /** Builds every agent's event pool (a second or two per 100,000 events). */
    public LoadGenerator(LoadConfig config) {
        this.config = config;
        List<RealisticEvents> gens = new ArrayList<>();
        List<ProcessModel> procs = new ArrayList<>();
        for (int i = 0; i < config.agents(); i++) {
            RealisticEvents g = new RealisticEvents(MachineProfile.get(), config.seed() * 1_000_003L + i);
            gens.add(g);
            procs.add(g.javaService(config.application(), component(i)));
        }
        this.generators = List.copyOf(gens);
        // Agents' generators are independent, so building them in parallel stays deterministic.
        this.pools = IntStream.range(0, config.agents()).parallel()
                .mapToObj(i -> EventPool.build(gens.get(i), procs.get(i), config.poolEvents(), config.batchSize(),
                        config.excluded()))
                .toList();
    }

    static String component(int i) {
        String c = COMPONENTS[i % COMPONENTS.length];
        return i < COMPONENTS.length ? c : c + "-" + (i / COMPONENTS.length);
    }

    public List<EventPool> pools() {
        return pools;
    }

    /** The configuration the pools were built for. */
    public LoadConfig config() {
        return config;
    }

    /** The HELLO agent {@code i} sends: a Java agent on the service's pod. */
    public Hello hello(int i, String runToken) {
        ProcessModel p = pools.get(i).process();
        return new Hello(Frames.PROTOCOL_VERSION, runToken, "loadgen-" + config.seed() + "-" + p.component(), "java",
                "0.1.0", p.hostname(), p.application(), p.component(), "1.4.2", Optional.empty(), Compression.ZSTD,
                Optional.of(p.containerId()));
    }

    /**
     * Starts a run with {@code run}'s rate, duration, event limit, markers and base time (its
     * agent count and batch size must be the pools'). Returns at once; see {@link Run}.
     */
    public Run start(LoadConfig run, LatencyProbe probe) {
        if (run.agents() != config.agents() || run.batchSize() != config.batchSize()) {
            throw new IllegalArgumentException("a run must use the agents and batch size the pools were built for");
        }
        if (run.markersPerSecond() > 0 && probe == null) {
            throw new IllegalArgumentException("latency markers need a probe");
        }
        LoadCounters counters = new LoadCounters();
        AtomicBoolean stop = new AtomicBoolean();
        long deadline = System.nanoTime() + run.duration().toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < run.agents(); i++) {
            AgentWorker w = new AgentWorker(i, run, pools.get(i), generators.get(i), hello(i, run.runToken()), counters,
                    probe, stop, deadline);
            threads.add(Thread.ofPlatform().name("loadgen-agent-" + i).start(w));
        }
        return new Run(counters, threads, stop, System.nanoTime());
    }

    /** Runs to the end and returns its totals; fails loudly when any agent failed. */
    public LoadResult run(LoadConfig run, LatencyProbe probe) throws IOException, InterruptedException {
        return start(run, probe).await();
    }

    /** A run in progress. */
    public static final class Run {
        private final LoadCounters counters;
        private final List<Thread> threads;
        private final AtomicBoolean stop;
        private final long startNanos;

        Run(LoadCounters counters, List<Thread> threads, AtomicBoolean stop, long startNanos) {
            this.counters = counters;
            this.threads = threads;
            this.stop = stop;
            this.startNanos = startNanos;
        }

        /** Live totals. */
        public LoadCounters counters() {
            return counters;
        }

        /** Asks the agents to stop sending; they still wait for their ACKs. */
        public void stop() {
            stop.set(true);
        }

        /**
         * Waits for every agent to finish (its batches acknowledged, BYE sent).
         *
         * @throws IOException naming the first agent failure, e.g. an ERROR frame from the appliance
         */
        public LoadResult await() throws IOException, InterruptedException {
            for (Thread t : threads) {
                t.join();
            }
            long elapsed = System.nanoTime() - startNanos;
            if (counters.failure() != null) {
                throw new IOException("load run failed: " + counters.failure().getMessage(), counters.failure());
            }
            return new LoadResult(counters.eventsSent(), counters.eventsAcked(), counters.batchesSent(),
                    counters.frameBytes(), elapsed);
        }
    }
}
