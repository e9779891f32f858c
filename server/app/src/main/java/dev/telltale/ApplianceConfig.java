package dev.telltale;

import dev.telltale.config.ConfigException;
import io.helidon.config.Config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Node {@code telltale}: {@code data-dir}, {@code https.host}, {@code https.port},
 * {@code auth.api-token-ttl}, {@code downloads.bundles-dir} (default {@code DATA/bundles}) and
 * {@code downloads.link-lifetime} (signed install links) and {@code public-host} (the name agents
 * use to reach the appliance; by default the host name of the request that asks for an agent
 * configuration). Components read their own sub-nodes.
 */
record ApplianceConfig(Path dataDir, String httpsHost, int httpsPort, Duration apiTokenTtl, Path bundlesDir,
                       Duration downloadLinkLifetime, java.util.Optional<String> publicHost, Duration sessionIdle,
                       Duration sessionAbsolute) {
    ApplianceConfig {
        if (httpsPort < 0 || httpsPort > 65535) {
            throw new ConfigException("telltale.https.port", "must be 0-65535, was " + httpsPort);
        }
        publicHost.ifPresent(h -> {
            try {
                dev.telltale.downloads.AgentConfigFile.checkHost(h);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("telltale.public-host", e.getMessage());
            }
        });
        if (downloadLinkLifetime.compareTo(Duration.ofMinutes(1)) < 0 || downloadLinkLifetime.compareTo(Duration.ofDays(30)) > 0) {
            throw new ConfigException("telltale.downloads.link-lifetime", "must be between PT1M and P30D");
        }
        if (apiTokenTtl.compareTo(Duration.ofSeconds(30)) < 0 || apiTokenTtl.compareTo(Duration.ofHours(1)) > 0) {
            throw new ConfigException("telltale.auth.api-token-ttl", "must be between PT30S and PT1H");
        }
        if (sessionIdle.compareTo(Duration.ofMinutes(1)) < 0 || sessionIdle.compareTo(Duration.ofHours(24)) > 0) {
            throw new ConfigException("telltale.auth.session-idle", "must be between PT1M and PT24H");
        }
        if (sessionAbsolute.compareTo(sessionIdle) < 0 || sessionAbsolute.compareTo(Duration.ofDays(7)) > 0) {
            throw new ConfigException("telltale.auth.session-absolute", "must be between session-idle and P7D");
        }
    }

    static ApplianceConfig from(Config telltale) {
        Path data = Path.of(telltale.get("data-dir").asString().orElse("./data")).toAbsolutePath().normalize();
        return new ApplianceConfig(data,
                telltale.get("https.host").asString().orElse("0.0.0.0"),
                telltale.get("https.port").asInt().orElse(8443),
                telltale.get("auth.api-token-ttl").as(Duration.class).orElse(Duration.ofMinutes(5)),
                telltale.get("downloads.bundles-dir").asString().map(Path::of).orElse(data.resolve("bundles"))
                        .toAbsolutePath().normalize(),
                telltale.get("downloads.link-lifetime").as(Duration.class).orElse(Duration.ofHours(24)),
                telltale.get("public-host").asString().asOptional(),
                telltale.get("auth.session-idle").as(Duration.class).orElse(Duration.ofMinutes(30)),
                telltale.get("auth.session-absolute").as(Duration.class).orElse(Duration.ofHours(12)));
    }
}
