package dev.telltale.loadgen;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.function.LongSupplier;

/** What both benchmarks need: a fresh appliance, its API, progress lines, waiting for the index. */
final class BenchSupport implements AutoCloseable {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    final Path work;
    final ApplianceProcess appliance;
    final ApplianceClient api;
    final javax.net.ssl.SSLContext tls;
    final String runToken;
    private final boolean keep;
    /** Stops the appliance and removes the work directory when the benchmark is interrupted (Ctrl-C). */
    private final Thread onInterrupt = new Thread(this::closeOnExit, "bench-cleanup");
    private boolean closed;

    private BenchSupport(Path work, ApplianceProcess appliance, ApplianceClient api, javax.net.ssl.SSLContext tls,
                         String runToken, boolean keep) {
        this.work = work;
        this.appliance = appliance;
        this.api = api;
        this.tls = tls;
        this.runToken = runToken;
        this.keep = keep;
        Runtime.getRuntime().addShutdownHook(onInterrupt);
    }

    /** Starts a fresh appliance from {@code jar} in a new temporary directory and creates a run token. */
    static BenchSupport start(Path jar, String heap, boolean keep, Map<String, String> env) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException(jar + " is missing; build it with: mvn -q -DskipTests -pl server/app -am package");
        }
        Path work = Files.createTempDirectory("telltale-bench-");
        byte[] pw = new byte[18];
        new SecureRandom().nextBytes(pw);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(pw);
        progress("starting a fresh appliance (-Xms" + heap + " -Xmx" + heap + (env.isEmpty() ? "" : ", " + env) + ") in " + work);
        ApplianceProcess a = null;
        try {
            a = ApplianceProcess.start(jar, work.resolve("data"), password, heap, work.resolve("appliance.log"), env);
            javax.net.ssl.SSLContext tls = Tls.trusting(a.caCertificate());
            ApplianceClient api = new ApplianceClient(tls, "127.0.0.1", a.httpsPort(), "admin", password);
            String token = api.createRunToken("bench");
            progress("appliance up: pid " + a.pid() + ", https " + a.httpsPort() + ", ingest " + a.ingestPort());
            return new BenchSupport(work, a, api, tls, token, keep);
        } catch (IOException | RuntimeException e) {
            if (a != null) {
                a.close();
            }
            if (!keep) {
                deleteTree(work);
            }
            throw e;
        }
    }

    static void progress(String line) {
        System.out.println("[" + LocalTime.now().format(CLOCK) + "] " + line);
        System.out.flush();
    }

    double metric(String name) throws IOException {
        return api.metrics().getOrDefault(name, Double.NaN);
    }

    /**
     * Waits until the store has indexed at least {@code events} events, printing progress;
     * returns false when it did not within {@code timeoutS} seconds, or when the count stopped
     * growing for 30 s (events the store failed to index never arrive).
     */
    boolean awaitIndexed(long events, int timeoutS) throws IOException, InterruptedException {
        long until = System.nanoTime() + timeoutS * 1_000_000_000L;
        long lastPrint = 0;
        long lastCount = -1;
        long lastChange = System.nanoTime();
        while (System.nanoTime() < until) {
            long indexed = (long) metric("telltale_store_indexed_events_total");
            if (indexed >= events) {
                return true;
            }
            if (indexed != lastCount) {
                lastCount = indexed;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > 30_000_000_000L) {
                progress("the index stopped at " + indexed + " of " + events + " events");
                return false;
            }
            if (System.nanoTime() - lastPrint > 5_000_000_000L) {
                progress("waiting for the index: " + indexed + " of " + events + " events indexed");
                lastPrint = System.nanoTime();
            }
            Thread.sleep(250);
        }
        return false;
    }

    /**
     * Samples {@code counter} for {@code seconds}, printing the rate of each 5 s step with the
     * {@code also} values; returns the increase and the exact nanoseconds it took.
     */
    static long[] window(String what, LongSupplier counter, int seconds, Map<String, LongSupplier> also)
            throws InterruptedException {
        long t0 = System.nanoTime();
        long end = t0 + seconds * 1_000_000_000L;
        long start = counter.getAsLong();
        long lastV = start;
        long lastT = t0;
        while (true) {
            long left = end - System.nanoTime();
            // A last step shorter than a tenth of a second would only print noise.
            if (left <= 100_000_000L) {
                break;
            }
            Thread.sleep(Math.max(1, Math.min(5000, left / 1_000_000)));
            long v = counter.getAsLong();
            long t = System.nanoTime();
            StringBuilder sb = new StringBuilder(what + ": " + Math.round((t - t0) / 1e9) + " s, "
                    + Math.round((v - lastV) / ((t - lastT) / 1e9)) + "/s");
            also.forEach((k, f) -> sb.append(", ").append(k).append(' ').append(f.getAsLong()));
            progress(sb.toString());
            lastV = v;
            lastT = t;
        }
        return new long[]{lastV - start, lastT - t0};
    }

    /** CPU time a process has used so far, in nanoseconds (0 when the OS does not say). */
    static long cpuNanos(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(java.time.Duration::toNanos)
                .orElse(0L);
    }

    /**
     * CPU time the whole machine has spent busy so far, in nanoseconds, from {@code /proc/stat}
     * (clock ticks of 10 ms, the Linux default); 0 where there is no such file.
     */
    static long machineBusyNanos() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * Waits until the appliance uses less than a tenth of a core over a second (merges and
     * commits done), at most {@code timeoutS} seconds, so a baseline measured next has the machine.
     */
    void awaitQuiet(int timeoutS) throws InterruptedException {
        long until = System.nanoTime() + timeoutS * 1_000_000_000L;
        long last = cpuNanos(appliance.pid());
        while (System.nanoTime() < until) {
            Thread.sleep(1000);
            long now = cpuNanos(appliance.pid());
            if (now - last < 100_000_000L) {
                return;
            }
            last = now;
        }
        progress("the appliance is still busy after " + timeoutS + " s; going on");
    }

    /** The appliance's distinct SEVERE log lines and errors with how often each came, for failure messages. */
    String applianceErrors() {
        Map<String, Integer> seen = new java.util.LinkedHashMap<>();
        try (var lines = Files.lines(appliance.log())) {
            lines.filter(l -> l.contains(" SEVERE ") || l.contains("Error:") || l.contains("Exception:"))
                    // Timestamps and document numbers differ; the message is what matters.
                    .map(l -> l.replaceFirst("^\\S+Z ", "").replaceAll("doc \\[\\d+\\]", "doc [n]"))
                    .forEach(l -> seen.merge(l, 1, Integer::sum));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        seen.entrySet().stream().limit(12).forEach(e -> sb.append("\n  ").append(e.getValue()).append("x ").append(e.getKey()));
        return sb.isEmpty() ? "" : "; the appliance logged:" + sb;
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(onInterrupt);
        } catch (IllegalStateException shuttingDown) {
            // this is the hook, or the JVM is exiting and the hook is running
        }
        appliance.close();
        if (keep) {
            progress("kept " + work);
        } else {
            deleteTree(work);
        }
    }

    private void closeOnExit() {
        try {
            close();
        } catch (IOException e) {
            System.err.println("could not remove " + work + ": " + e.getMessage());
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
