package dev.telltale.sca;

import dev.telltale.config.ConfigException;
import io.helidon.config.Config;

import java.time.Duration;

/** {@code telltale.sca}: whether scans run, and how often (they also run after each vulnerability database import). */
public record ScaConfig(boolean enabled, Duration scanInterval) {
    public ScaConfig {
        if (scanInterval.compareTo(Duration.ofSeconds(5)) < 0) {
            throw new ConfigException("telltale.sca.scan-interval", "must be at least PT5S, was " + scanInterval);
        }
    }

    /** @throws ConfigException naming the bad key */
    public static ScaConfig from(Config node) {
        return new ScaConfig(node.get("enabled").asBoolean().orElse(true),
                node.get("scan-interval").as(Duration.class).orElse(Duration.ofMinutes(5)));
    }
}
