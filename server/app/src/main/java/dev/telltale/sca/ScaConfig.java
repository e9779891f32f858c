package dev.telltale.sca;

import dev.telltale.config.ConfigException;
import io.helidon.config.Config;

import java.time.Duration;

/**
 * {@code telltale.sca}: whether scans run, how often (they also run after each vulnerability
 * database import), and the longest a finding's risk may be accepted ({@code max-risk-acceptance}).
 */
public record ScaConfig(boolean enabled, Duration scanInterval, Duration maxRiskAcceptance) {
    public ScaConfig {
        if (scanInterval.compareTo(Duration.ofSeconds(5)) < 0) {
            throw new ConfigException("telltale.sca.scan-interval", "must be at least PT5S, was " + scanInterval);
        }
        if (maxRiskAcceptance.compareTo(Duration.ofDays(1)) < 0 || maxRiskAcceptance.compareTo(Duration.ofDays(3660)) > 0) {
            throw new ConfigException("telltale.sca.max-risk-acceptance",
                    "must be between P1D and P3660D, was " + maxRiskAcceptance);
        }
    }

    /** @throws ConfigException naming the bad key */
    public static ScaConfig from(Config node) {
        return new ScaConfig(node.get("enabled").asBoolean().orElse(true),
                node.get("scan-interval").as(Duration.class).orElse(Duration.ofMinutes(5)),
                node.get("max-risk-acceptance").as(Duration.class).orElse(Duration.ofDays(365)));
    }
}
