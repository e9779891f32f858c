package dev.telltale;

import dev.telltale.config.ConfigException;
import io.helidon.config.Config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Node {@code telltale}: {@code data-dir}, {@code https.host}, {@code https.port} and
 * {@code auth.api-token-ttl}. Components read their own sub-nodes.
 */
record ApplianceConfig(Path dataDir, String httpsHost, int httpsPort, Duration apiTokenTtl) {
    ApplianceConfig {
        if (httpsPort < 0 || httpsPort > 65535) {
            throw new ConfigException("telltale.https.port", "must be 0-65535, was " + httpsPort);
        }
        if (apiTokenTtl.compareTo(Duration.ofSeconds(30)) < 0 || apiTokenTtl.compareTo(Duration.ofHours(1)) > 0) {
            throw new ConfigException("telltale.auth.api-token-ttl", "must be between PT30S and PT1H");
        }
    }

    static ApplianceConfig from(Config telltale) {
        return new ApplianceConfig(
                Path.of(telltale.get("data-dir").asString().orElse("./data")).toAbsolutePath().normalize(),
                telltale.get("https.host").asString().orElse("0.0.0.0"),
                telltale.get("https.port").asInt().orElse(8443),
                telltale.get("auth.api-token-ttl").as(Duration.class).orElse(Duration.ofMinutes(5)));
    }
}
