package dev.telltale.loadgen;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Measures ingest-to-searchable latency. Agents send file events whose path is a unique marker
 * ({@code /telltale/probe/<run>-<n>}); a poller searches for them through the HTTPS API
 * (newest first, every ~20 ms) and records, per marker, the time from just before its batch
 * was written to the socket until the first search answer that contains it arrived. The
 * figure is thus an upper bound, including up to one poll interval and the query's own time.
 * Markers sent before {@link #countFrom} are polled for but not counted: the first seconds of
 * a run measure connection set-up and a search path the JIT has not compiled yet. A marker
 * never seen counts as lost (slower than any) whenever it was sent.
 */
public final class LatencyProbe implements AutoCloseable {
    /**
     * Latencies of the markers seen, how many were never seen within the wait, and for the
     * breakdown the send-to-ACK times of the markers' batches; {@code notCounted} markers were
     * seen but sent before {@link #countFrom}.
     */
    public record Result(int markers, long[] latenciesNanos, int unseen, long[] ackNanos, long polls, long pollNanos,
                         int notCounted, String slowestBySecond) {
        /** Average time of one poll (search request to parsed answer) in milliseconds. */
        public double pollMs() {
            return polls == 0 ? 0 : pollNanos / 1e6 / polls;
        }

        /** The p-th percentile (0-100) of send-to-ACK in milliseconds. */
        public double ackPercentileMs(double p) {
            if (ackNanos.length == 0) {
                return Double.NaN;
            }
            int rank = Math.max(0, Math.min(ackNanos.length - 1, (int) Math.ceil(p / 100.0 * ackNanos.length) - 1));
            return ackNanos[rank] / 1e6;
        }

        /** The p-th percentile (0-100) in milliseconds, counting unseen markers as slower than any seen. */
        public double percentileMs(double p) {
            int n = latenciesNanos.length + unseen;
            if (n == 0) {
                return Double.NaN;
            }
            int rank = (int) Math.ceil(p / 100.0 * n) - 1;
            rank = Math.max(0, Math.min(n - 1, rank));
            return rank < latenciesNanos.length ? latenciesNanos[rank] / 1e6 : Double.POSITIVE_INFINITY;
        }
    }

    private static final long POLL_MARGIN_MS = 100;
    private final ApplianceClient api;
    private final long pollNanos;
    private final String prefix = "/telltale/probe/" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    private final AtomicLong counter = new AtomicLong();
    /** Markers not seen yet, with their event time in milliseconds (what the search's time range filters). */
    private final Map<Long, Long> pending = new ConcurrentHashMap<>();
    private final Map<Long, Long> seen = new ConcurrentHashMap<>();
    private final long startNanos = System.nanoTime();
    private volatile long countFromNanos = Long.MIN_VALUE;
    private final Map<Long, Long> sentAt = new ConcurrentHashMap<>();
    private final Map<Long, Long> ackLatency = new ConcurrentHashMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean running = true;
    private long polls;
    private long pollTotalNanos;
    private Thread poller;

    public LatencyProbe(ApplianceClient api, Duration pollInterval) {
        this.api = api;
        this.pollNanos = pollInterval.toNanos();
    }

    /** Starts polling. */
    public void start() {
        poller = Thread.ofPlatform().daemon().name("loadgen-latency-poller").start(this::pollLoop);
    }

    long nextMarker() {
        return counter.getAndIncrement();
    }

    String path(long marker) {
        return prefix + "-" + marker;
    }

    /** Markers sent from now on are the ones counted. */
    public void countFrom(long nanos) {
        countFromNanos = nanos;
    }

    /** Records that the batch holding the marker, whose event time is {@code eventTimeUs}, is about to be written. */
    void sent(long marker, long nanos, long eventTimeUs) {
        sentAt.put(marker, nanos);
        pending.put(marker, Math.floorDiv(eventTimeUs, 1000));
    }

    /** Records that the appliance acknowledged the marker's batch (durable, not yet searchable). */
    void acked(long marker, long nanos) {
        Long sent = sentAt.get(marker);
        if (sent != null) {
            ackLatency.putIfAbsent(marker, nanos - sent);
        }
    }

    /**
     * Waits up to {@code wait} for the markers sent so far to become visible, stops polling and
     * returns the latencies, sorted.
     *
     * @throws IOException when the poller's searches failed
     */
    public Result finish(Duration wait) throws IOException, InterruptedException {
        long until = System.nanoTime() + wait.toNanos();
        while (!pending.isEmpty() && System.nanoTime() < until && failure.get() == null) {
            Thread.sleep(20);
        }
        close();
        if (failure.get() != null) {
            throw new IOException("latency poller failed: " + failure.get().getMessage(), failure.get());
        }
        long from = countFromNanos;
        int seenAll = seen.size();
        seen.keySet().removeIf(m -> sentAt.get(m) < from);
        ackLatency.keySet().removeIf(m -> sentAt.get(m) < from);
        // A marker never seen is an event lost or stuck: it counts (as slower than any), warm-up or not.
        int unseen = pending.size();
        long[] l = seen.values().stream().mapToLong(Long::longValue).sorted().toArray();
        long[] a = ackLatency.values().stream().mapToLong(Long::longValue).sorted().toArray();
        return new Result(l.length + unseen, l, unseen, a, polls, pollTotalNanos, seenAll - seen.size(),
                slowestBySecond());
    }

    /**
     * Where the slowest 2 % of the counted markers were sent, by second of the run ("12s:7": seven
     * sent in its 12th second): clustered tails point at a stall, spread ones at steady queueing.
     */
    private String slowestBySecond() {
        java.util.TreeMap<Long, Integer> bySecond = new java.util.TreeMap<>();
        seen.entrySet().stream().sorted(Map.Entry.<Long, Long>comparingByValue().reversed())
                .limit(Math.max(1, seen.size() / 50))
                .forEach(e -> bySecond.merge((sentAt.get(e.getKey()) - startNanos) / 1_000_000_000L, 1, Integer::sum));
        StringBuilder b = new StringBuilder();
        bySecond.forEach((sec, c) -> b.append(b.isEmpty() ? "" : " ").append(sec).append("s:").append(c));
        return b.toString();
    }

    private void pollLoop() {
        while (running) {
            long t0 = System.nanoTime();
            try {
                if (!pending.isEmpty()) {
                    poll();
                    polls++;
                    pollTotalNanos += System.nanoTime() - t0;
                }
            } catch (IOException | RuntimeException e) {
                failure.compareAndSet(null, e);
                return;
            }
            long left = pollNanos - (System.nanoTime() - t0);
            if (left > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(left);
            }
        }
    }

    private void poll() throws IOException {
        long oldestMs = Long.MAX_VALUE;
        for (long ms : pending.values()) {
            oldestMs = Math.min(oldestMs, ms);
        }
        Map<String, String> params = new HashMap<>();
        params.put("q", "path:" + prefix + "-*");
        // From the oldest pending marker's own event time (a little before, in case the appliance
        // rounds): markers already seen before it are not fetched and rendered again at every poll.
        // With two seconds of margin a poll fetched some 100-125 markers (50 a second), most seen,
        // and the probe's searches took 0.13-0.17 of the appliance's cores in the paced run.
        params.put("from", Long.toString(oldestMs - POLL_MARGIN_MS));
        params.put("limit", "500");
        for (int page = 0; page < 10 && !pending.isEmpty(); page++) {
            JsonNode r = api.search(params);
            long arrived = System.nanoTime();
            List<Long> found = new ArrayList<>();
            for (JsonNode e : r.path("events")) {
                String path = e.path("fields").path("path").asText("");
                int dash = path.lastIndexOf('-');
                if (path.startsWith(prefix) && dash > 0) {
                    found.add(Long.parseLong(path.substring(dash + 1)));
                }
            }
            for (long id : found) {
                if (pending.remove(id) != null) {
                    seen.put(id, arrived - sentAt.get(id));
                }
            }
            JsonNode next = r.path("next");
            if (next.isNull() || next.isMissingNode()) {
                break;
            }
            params.put("after", next.asText());
        }
    }

    @Override
    public void close() {
        running = false;
        if (poller != null) {
            try {
                poller.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
