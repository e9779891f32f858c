package dev.telltale.certs;

import dev.telltale.config.ConfigException;
import io.helidon.config.Config;

import java.util.List;

/**
 * Node {@code telltale.certs}: {@code names} (extra DNS names or IP addresses for the server
 * certificate's SANs), {@code validity-days} and {@code transition-days} (how long the ingest
 * listener keeps presenting the previous certificate after a change of CA; 0 swaps at once).
 */
public record CertsConfig(List<String> names, int validityDays, int transitionDays) {
    public CertsConfig(List<String> names, int validityDays) {
        this(names, validityDays, DEFAULT_TRANSITION_DAYS);
    }

    public static final int DEFAULT_TRANSITION_DAYS = 14;

    public CertsConfig {
        names = List.copyOf(names);
        if (transitionDays < 0 || transitionDays > 365) {
            throw new ConfigException("telltale.certs.transition-days", "must be between 0 and 365, was " + transitionDays);
        }
        if (validityDays < 1 || validityDays > 3650) {
            throw new ConfigException("telltale.certs.validity-days", "must be between 1 and 3650, was " + validityDays);
        }
    }

    public static CertsConfig from(Config node) {
        return new CertsConfig(node.get("names").asList(String.class).orElse(List.of()),
                node.get("validity-days").asInt().orElse(825),
                node.get("transition-days").asInt().orElse(DEFAULT_TRANSITION_DAYS));
    }
}
