package dev.telltale.loadgen;

import dev.telltale.protocol.event.EventType;

import javax.net.ssl.SSLContext;
import java.time.Duration;
import java.util.Set;

/**
 * What a load run does: where to send (host, ingest port, TLS context, run token), how many
 * agents with how big a pool of distinct events each, batch size and window of unacknowledged
 * batches per agent, the target rate over all agents (0 = as fast as the appliance acknowledges),
 * how long or how many events, latency markers per second (0 = none; they need a {@link
 * LatencyProbe}), the batches' base time, and event types left out of the pools (none by default).
 */
public record LoadConfig(String host, int port, SSLContext tls, String runToken, int agents, int batchSize, int window,
                         int poolEvents, long seed, String application, long rate, Duration duration, long maxEvents,
                         double markersPerSecond, BaseTime baseTime, Duration flushInterval,
                         Set<EventType> excluded) {

    /** The base time of an agent's batch, by agent index and the batch's number within the run. */
    @FunctionalInterface
    public interface BaseTime {
        long baseTimeUs(int agent, long batch);

        /** Wall-clock time at sending, as live agents do. */
        BaseTime NOW = (agent, batch) -> System.currentTimeMillis() * 1000;
    }

    public LoadConfig {
        if (agents < 1 || batchSize < 1 || batchSize > 20_000 || window < 1 || poolEvents < batchSize || rate < 0
                || markersPerSecond < 0) {
            throw new IllegalArgumentException("agents, batch size (1-20000), window and pool (>= batch) must be positive,"
                    + " rate and markers not negative");
        }
    }

    /** 4 agents, batches of 500, 8 in flight, 16,384 distinct events per agent, saturating for 10 s. */
    public static LoadConfig of(String host, int port, SSLContext tls, String runToken) {
        return new LoadConfig(host, port, tls, runToken, 4, 500, 8, 16_384, 1, "shop", 0, Duration.ofSeconds(10), 0, 0,
                BaseTime.NOW, Duration.ofMillis(100), Set.of());
    }

    /** The same load aimed at another appliance. */
    public LoadConfig withTarget(String h, int p, SSLContext t, String token) {
        return new LoadConfig(h, p, t, token, agents, batchSize, window, poolEvents, seed, application, rate,
                duration, maxEvents, markersPerSecond, baseTime, flushInterval, excluded);
    }

    public LoadConfig withAgents(int n) {
        return new LoadConfig(host, port, tls, runToken, n, batchSize, window, poolEvents, seed, application, rate,
                duration, maxEvents, markersPerSecond, baseTime, flushInterval, excluded);
    }

    public LoadConfig withBatchSize(int n) {
        return new LoadConfig(host, port, tls, runToken, agents, n, window, Math.max(n, poolEvents), seed, application,
                rate, duration, maxEvents, markersPerSecond, baseTime, flushInterval, excluded);
    }

    public LoadConfig withWindow(int n) {
        return new LoadConfig(host, port, tls, runToken, agents, batchSize, n, poolEvents, seed, application, rate,
                duration, maxEvents, markersPerSecond, baseTime, flushInterval, excluded);
    }

    public LoadConfig withPoolEvents(int n) {
        return new LoadConfig(host, port, tls, runToken, agents, batchSize, window, n, seed, application, rate,
                duration, maxEvents, markersPerSecond, baseTime, flushInterval, excluded);
    }

    /** The application the agents' services belong to (default {@code shop}). */
    public LoadConfig withApplication(String app) {
        return new LoadConfig(host, port, tls, runToken, agents, batchSize, window, poolEvents, seed, app, rate,
                duration, maxEvents, markersPerSecond, baseTime, flushInterval, excluded);
    }

    public LoadConfig withSeed(long s) {
        return new LoadConfig(host, port, tls, runToken, agents, batchSize, window, poolEvents, s, application, rate,
                duration, maxEvents, markersPerSecond, baseTime, flushInterval, excluded);
    }

    /** Events per second over all agents; 0 saturates. */
    public LoadConfig withRate(long eventsPerSecond) {
        return new LoadConfig(host, port, tls, runToken, agents, batchSize, window, poolEvents, seed, application,
                eventsPerSecond, duration, maxEvents, markersPerSecond, baseTime, flushInterval, excluded);
    }

    public LoadConfig withDuration(Duration d) {
        return new LoadConfig(host, port, tls, runToken, agents, batchSize, window, poolEvents, seed, application, rate,
                d, maxEvents, markersPerSecond, baseTime, flushInterval, excluded);
    }

    /** Stop after this many events over all agents (0 = no limit; the duration still applies). */
    public LoadConfig withMaxEvents(long n) {
        return new LoadConfig(host, port, tls, runToken, agents, batchSize, window, poolEvents, seed, application, rate,
                duration, n, markersPerSecond, baseTime, flushInterval, excluded);
    }

    public LoadConfig withMarkers(double perSecond) {
        return new LoadConfig(host, port, tls, runToken, agents, batchSize, window, poolEvents, seed, application, rate,
                duration, maxEvents, perSecond, baseTime, flushInterval, excluded);
    }

    /** Leaves these types out of the pools (for isolating an appliance problem with one type). */
    public LoadConfig withExcluded(Set<EventType> types) {
        return new LoadConfig(host, port, tls, runToken, agents, batchSize, window, poolEvents, seed, application, rate,
                duration, maxEvents, markersPerSecond, baseTime, flushInterval, Set.copyOf(types));
    }

    public LoadConfig withBaseTime(BaseTime b) {
        return new LoadConfig(host, port, tls, runToken, agents, batchSize, window, poolEvents, seed, application, rate,
                duration, maxEvents, markersPerSecond, b, flushInterval, excluded);
    }
}
