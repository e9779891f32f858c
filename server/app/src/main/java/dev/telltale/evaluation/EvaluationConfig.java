package dev.telltale.evaluation;

import dev.telltale.config.ConfigException;
import io.helidon.config.Config;

import java.time.Duration;

/**
 * Node {@code telltale.evaluation}: {@code enabled} (policies evaluated on ingest),
 * {@code checkpoint-interval} (how often alerts and the evaluation position are committed),
 * {@code max-pending-findings} (commit sooner when this many findings wait),
 * {@code max-processes} (per-process state kept; the least recently seen go first) and
 * {@code queue-records} (journal records waiting for evaluation before ingestion slows down).
 */
public record EvaluationConfig(boolean enabled, Duration checkpointInterval, int maxPendingFindings, int maxProcesses,
                               int queueRecords) {
    public EvaluationConfig {
        if (checkpointInterval.compareTo(Duration.ofMillis(10)) < 0 || checkpointInterval.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new ConfigException("telltale.evaluation.checkpoint-interval", "must be between PT0.01S and PT1M");
        }
        if (maxPendingFindings < 1 || maxPendingFindings > 1_000_000) {
            throw new ConfigException("telltale.evaluation.max-pending-findings", "must be between 1 and 1000000");
        }
        if (maxProcesses < 100 || maxProcesses > 10_000_000) {
            throw new ConfigException("telltale.evaluation.max-processes", "must be between 100 and 10000000");
        }
        if (queueRecords < 1 || queueRecords > 100_000) {
            throw new ConfigException("telltale.evaluation.queue-records", "must be between 1 and 100000");
        }
    }

    public static EvaluationConfig defaults() {
        return new EvaluationConfig(true, Duration.ofSeconds(2), 20_000, 200_000, 16);
    }

    public static EvaluationConfig from(Config node) {
        EvaluationConfig d = defaults();
        return new EvaluationConfig(
                node.get("enabled").asBoolean().orElse(d.enabled),
                node.get("checkpoint-interval").as(Duration.class).orElse(d.checkpointInterval),
                node.get("max-pending-findings").asInt().orElse(d.maxPendingFindings),
                node.get("max-processes").asInt().orElse(d.maxProcesses),
                node.get("queue-records").asInt().orElse(d.queueRecords));
    }
}
