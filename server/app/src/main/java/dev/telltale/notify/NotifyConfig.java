package dev.telltale.notify;

import dev.telltale.config.ConfigException;
import io.helidon.config.Config;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Node {@code telltale.notify}: {@code worker-threads} (parallel sends), {@code poll-interval}
 * (how often the outbox is read), {@code retry-base} and {@code retry-max} (exponential backoff
 * between attempts of one delivery: base, 2×base, 4×base… capped at max), {@code max-attempts}
 * (a delivery gives up, FAILED, after this many), {@code failure-limit} (an integration whose
 * deliveries failed this many times in a row is disabled and marked failed),
 * {@code request-timeout}, {@code agent-gap} (an agent not seen this long is reported) and
 * {@code agent-gap-check} (how often), {@code proxy} ({@code host:port} of an HTTP proxy for
 * outbound HTTPS), {@code trusted-ca-file} (PEM of extra CAs trusted for outbound TLS),
 * {@code allow-http} (test-only: accept http:// URLs) and {@code retention} (finished deliveries
 * and their events are deleted after this long).
 */
public record NotifyConfig(int workerThreads, Duration pollInterval, Duration retryBase, Duration retryMax,
                           int maxAttempts, int failureLimit, Duration requestTimeout, Duration agentGap,
                           Duration agentGapCheck, Optional<InetSocketAddress> proxy, Optional<Path> trustedCaFile,
                           boolean allowHttp, Duration retention) {
    private static final String NODE = "telltale.notify.";

    public NotifyConfig {
        range("worker-threads", workerThreads, 1, 32);
        range("max-attempts", maxAttempts, 1, 100);
        range("failure-limit", failureLimit, 1, 1000);
        between("poll-interval", pollInterval, Duration.ofMillis(10), Duration.ofMinutes(5));
        between("retry-base", retryBase, Duration.ofMillis(10), Duration.ofHours(1));
        between("retry-max", retryMax, retryBase, Duration.ofDays(1));
        between("request-timeout", requestTimeout, Duration.ofMillis(100), Duration.ofMinutes(5));
        between("agent-gap", agentGap, Duration.ofSeconds(1), Duration.ofDays(30));
        between("agent-gap-check", agentGapCheck, Duration.ofMillis(100), Duration.ofHours(1));
        between("retention", retention, Duration.ofDays(1), Duration.ofDays(3660));
    }

    public static NotifyConfig defaults() {
        return new NotifyConfig(2, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofHours(1), 10, 10,
                Duration.ofSeconds(10), Duration.ofMinutes(15), Duration.ofMinutes(1), Optional.empty(),
                Optional.empty(), false, Duration.ofDays(30));
    }

    public static NotifyConfig from(Config node) {
        NotifyConfig d = defaults();
        return new NotifyConfig(
                node.get("worker-threads").asInt().orElse(d.workerThreads),
                node.get("poll-interval").as(Duration.class).orElse(d.pollInterval),
                node.get("retry-base").as(Duration.class).orElse(d.retryBase),
                node.get("retry-max").as(Duration.class).orElse(d.retryMax),
                node.get("max-attempts").asInt().orElse(d.maxAttempts),
                node.get("failure-limit").asInt().orElse(d.failureLimit),
                node.get("request-timeout").as(Duration.class).orElse(d.requestTimeout),
                node.get("agent-gap").as(Duration.class).orElse(d.agentGap),
                node.get("agent-gap-check").as(Duration.class).orElse(d.agentGapCheck),
                node.get("proxy").asString().asOptional().filter(s -> !s.isBlank()).map(NotifyConfig::proxy),
                node.get("trusted-ca-file").asString().asOptional().filter(s -> !s.isBlank()).map(Path::of),
                node.get("allow-http").asBoolean().orElse(false),
                node.get("retention").as(Duration.class).orElse(d.retention));
    }

    /** {@code host:port}, unresolved (the proxy resolves nothing for us; we resolve it when connecting). */
    static InetSocketAddress proxy(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            throw new ConfigException(NODE + "proxy", "must be host:port, was '" + value + "'");
        }
        String host = value.substring(0, colon).trim();
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(NODE + "proxy", "the port must be a number, was '" + value + "'");
        }
        if (port < 1 || port > 65535 || host.isEmpty() || host.contains("/") || host.contains("@")) {
            throw new ConfigException(NODE + "proxy", "must be host:port with a port 1-65535, was '" + value + "'");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    private static void range(String key, int v, int min, int max) {
        if (v < min || v > max) {
            throw new ConfigException(NODE + key, "must be between " + min + " and " + max + ", was " + v);
        }
    }

    private static void between(String key, Duration v, Duration min, Duration max) {
        if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
            throw new ConfigException(NODE + key, "must be between " + min + " and " + max + ", was " + v);
        }
    }
}
