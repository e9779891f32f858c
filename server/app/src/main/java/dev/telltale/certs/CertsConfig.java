package dev.telltale.certs;

import dev.telltale.config.ConfigException;
import io.helidon.config.Config;

import java.util.List;

/**
 * Node {@code telltale.certs}: {@code names} (extra DNS names or IP addresses for the server
 * certificate's SANs) and {@code validity-days}.
 */
public record CertsConfig(List<String> names, int validityDays) {
    public CertsConfig {
        names = List.copyOf(names);
        if (validityDays < 1 || validityDays > 3650) {
            throw new ConfigException("telltale.certs.validity-days", "must be between 1 and 3650, was " + validityDays);
        }
    }

    public static CertsConfig from(Config node) {
        return new CertsConfig(node.get("names").asList(String.class).orElse(List.of()),
                node.get("validity-days").asInt().orElse(825));
    }
}
