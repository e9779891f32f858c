package dev.telltale.ingest;

import dev.telltale.config.ConfigException;
import dev.telltale.protocol.Frames;
import io.helidon.config.Config;

import java.time.Duration;

/**
 * Node {@code telltale.ingest}: listener {@code host} and {@code port}; {@code max-frame-bytes}
 * (largest frame payload), {@code max-batch-bytes} (largest decompressed batch),
 * {@code max-batch-events}; {@code hello-timeout} (time to complete TLS and send HELLO),
 * {@code idle-timeout} (silence after which a session is closed; agents ping);
 * {@code max-connections}; {@code io-threads} (0 = one per core).
 */
public record IngestConfig(String host, int port, int maxFrameBytes, int maxBatchBytes, int maxBatchEvents,
                           Duration helloTimeout, Duration idleTimeout, int maxConnections, int ioThreads) {
    public IngestConfig {
        if (port < 0 || port > 65535) {
            throw new ConfigException("telltale.ingest.port", "must be 0-65535, was " + port);
        }
        if (maxFrameBytes < 1024 || maxFrameBytes > 64 << 20) {
            throw new ConfigException("telltale.ingest.max-frame-bytes", "must be between 1024 and 67108864");
        }
        if (maxBatchBytes < maxFrameBytes || maxBatchBytes > 256 << 20) {
            throw new ConfigException("telltale.ingest.max-batch-bytes", "must be between max-frame-bytes and 268435456");
        }
        if (maxBatchEvents < 1 || maxBatchEvents > 1_000_000) {
            throw new ConfigException("telltale.ingest.max-batch-events", "must be between 1 and 1000000");
        }
        if (helloTimeout.isNegative() || helloTimeout.isZero()) {
            throw new ConfigException("telltale.ingest.hello-timeout", "must be positive");
        }
        if (idleTimeout.compareTo(Duration.ofSeconds(5)) < 0) {
            throw new ConfigException("telltale.ingest.idle-timeout", "must be at least 5 seconds");
        }
        if (maxConnections < 1) {
            throw new ConfigException("telltale.ingest.max-connections", "must be positive");
        }
        if (ioThreads < 0 || ioThreads > 64) {
            throw new ConfigException("telltale.ingest.io-threads", "must be between 0 and 64");
        }
    }

    public static IngestConfig defaults() {
        return new IngestConfig("0.0.0.0", 8444, Frames.DEFAULT_MAX_FRAME, 16 << 20, Frames.DEFAULT_MAX_BATCH_EVENTS,
                Duration.ofSeconds(10), Duration.ofSeconds(120), 10_000, 0);
    }

    public static IngestConfig from(Config node) {
        IngestConfig d = defaults();
        return new IngestConfig(node.get("host").asString().orElse(d.host),
                node.get("port").asInt().orElse(d.port),
                node.get("max-frame-bytes").asInt().orElse(d.maxFrameBytes),
                node.get("max-batch-bytes").asInt().orElse(d.maxBatchBytes),
                node.get("max-batch-events").asInt().orElse(d.maxBatchEvents),
                node.get("hello-timeout").as(Duration.class).orElse(d.helloTimeout),
                node.get("idle-timeout").as(Duration.class).orElse(d.idleTimeout),
                node.get("max-connections").asInt().orElse(d.maxConnections),
                node.get("io-threads").asInt().orElse(d.ioThreads));
    }

    public IngestConfig withPort(int newPort) {
        return new IngestConfig(host, newPort, maxFrameBytes, maxBatchBytes, maxBatchEvents, helloTimeout, idleTimeout,
                maxConnections, ioThreads);
    }
}
