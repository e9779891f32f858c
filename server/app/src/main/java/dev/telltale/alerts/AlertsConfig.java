package dev.telltale.alerts;

import dev.telltale.config.ConfigException;
import io.helidon.config.Config;

import java.time.Duration;

/**
 * Node {@code telltale.alerts}: {@code fixed-after} (how long a newer version of a component
 * must run without an alert's occurrence before older occurrences become FIXED),
 * {@code sweep-interval} (how often expiry and Fixed are checked) and
 * {@code max-risk-acceptance} (the longest expiry a person may give a risk acceptance) and
 * {@code evidence-retention} (evidence older than this is dropped, as the event store drops the
 * events it points to; alerts, counts and history stay).
 */
public record AlertsConfig(Duration fixedAfter, Duration sweepInterval, Duration maxRiskAcceptance,
                           Duration evidenceRetention) {
    public AlertsConfig {
        if (fixedAfter.compareTo(Duration.ofMinutes(1)) < 0 || fixedAfter.compareTo(Duration.ofDays(90)) > 0) {
            throw new ConfigException("telltale.alerts.fixed-after", "must be between PT1M and P90D, was " + fixedAfter);
        }
        if (sweepInterval.compareTo(Duration.ofSeconds(1)) < 0 || sweepInterval.compareTo(Duration.ofHours(1)) > 0) {
            throw new ConfigException("telltale.alerts.sweep-interval", "must be between PT1S and PT1H, was " + sweepInterval);
        }
        if (maxRiskAcceptance.compareTo(Duration.ofDays(1)) < 0 || maxRiskAcceptance.compareTo(Duration.ofDays(3660)) > 0) {
            throw new ConfigException("telltale.alerts.max-risk-acceptance",
                    "must be between P1D and P3660D, was " + maxRiskAcceptance);
        }
        if (evidenceRetention.compareTo(Duration.ofDays(1)) < 0 || evidenceRetention.compareTo(Duration.ofDays(3660)) > 0) {
            throw new ConfigException("telltale.alerts.evidence-retention",
                    "must be between P1D and P3660D, was " + evidenceRetention);
        }
    }

    /** As the four-value constructor, keeping evidence 30 days (the event store's default retention). */
    public AlertsConfig(Duration fixedAfter, Duration sweepInterval, Duration maxRiskAcceptance) {
        this(fixedAfter, sweepInterval, maxRiskAcceptance, Duration.ofDays(30));
    }

    public static AlertsConfig defaults() {
        return new AlertsConfig(Duration.ofHours(24), Duration.ofMinutes(1), Duration.ofDays(365));
    }

    public static AlertsConfig from(Config node) {
        AlertsConfig d = defaults();
        return new AlertsConfig(
                node.get("fixed-after").as(Duration.class).orElse(d.fixedAfter),
                node.get("sweep-interval").as(Duration.class).orElse(d.sweepInterval),
                node.get("max-risk-acceptance").as(Duration.class).orElse(d.maxRiskAcceptance),
                node.get("evidence-retention").as(Duration.class).orElse(d.evidenceRetention));
    }
}
