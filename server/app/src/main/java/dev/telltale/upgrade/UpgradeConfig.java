package dev.telltale.upgrade;

import dev.telltale.config.ConfigException;
import io.helidon.config.Config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Node {@code telltale.upgrade}: where releases live ({@code releases-dir}: {@code releases/<version>}
 * and the {@code current} link), the root the bundles' OS files go to ({@code os-root}), the trusted
 * release keys ({@code release-keys}, a directory of {@code *.pub}), the applier's own records
 * ({@code state-dir}: root's, where the server cannot write), the largest bundle accepted
 * ({@code max-bundle-bytes}), the commands that stop, start and reload the server's service, how
 * long the health gate waits ({@code gate-timeout}), how much free space pre-flight keeps
 * ({@code min-free-bytes}), how many releases stay installed ({@code keep-releases}) and how long a
 * manual rollback stays possible ({@code rollback-window}). {@code applier-command}, when set, is
 * started by the server itself to apply a request (local runs and tests); on the appliance it is
 * empty and a systemd path unit starts the applier as root.
 */
public record UpgradeConfig(Path releasesDir, Path osRoot, Path releaseKeys, Path stateDir, long maxBundleBytes,
                            List<String> startCommand, List<String> stopCommand, List<String> reloadCommand,
                            Optional<List<String>> applierCommand, Duration gateTimeout, long minFreeBytes,
                            int keepReleases, Duration rollbackWindow, Duration pickupTimeout) {
    static final String NODE = "telltale.upgrade.";

    public UpgradeConfig {
        releasesDir = releasesDir.toAbsolutePath().normalize();
        osRoot = osRoot.toAbsolutePath().normalize();
        releaseKeys = releaseKeys.toAbsolutePath().normalize();
        stateDir = stateDir.toAbsolutePath().normalize();
        range("max-bundle-bytes", maxBundleBytes, 1024, 64L << 30);
        command("start-command", startCommand);
        command("stop-command", stopCommand);
        applierCommand.ifPresent(c -> command("applier-command", c));
        between("gate-timeout", gateTimeout, Duration.ofSeconds(5), Duration.ofHours(6));
        range("min-free-bytes", minFreeBytes, 0, 1L << 40);
        range("keep-releases", keepReleases, 2, 20);
        between("rollback-window", rollbackWindow, Duration.ZERO, Duration.ofDays(365));
        between("pickup-timeout", pickupTimeout, Duration.ofSeconds(5), Duration.ofHours(1));
        startCommand = List.copyOf(startCommand);
        stopCommand = List.copyOf(stopCommand);
        reloadCommand = List.copyOf(reloadCommand);
        applierCommand = applierCommand.map(List::copyOf);
    }

    public static UpgradeConfig defaults() {
        return new UpgradeConfig(Path.of("/opt/telltale"), Path.of("/"), Path.of("/etc/telltale/release-keys"),
                Path.of("/var/lib/telltale-upgrade"), 4L << 30,
                List.of("systemctl", "start", "telltale.service"), List.of("systemctl", "stop", "telltale.service"),
                List.of("systemctl", "daemon-reload"), Optional.empty(), Duration.ofMinutes(10), 1L << 30, 3,
                Duration.ofDays(14), Duration.ofMinutes(2));
    }

    /** @throws ConfigException naming the key of a missing or invalid value */
    public static UpgradeConfig from(Config node) {
        UpgradeConfig d = defaults();
        try {
            return new UpgradeConfig(
                    node.get("releases-dir").asString().map(Path::of).orElse(d.releasesDir),
                    node.get("os-root").asString().map(Path::of).orElse(d.osRoot),
                    node.get("release-keys").asString().map(Path::of).orElse(d.releaseKeys),
                    node.get("state-dir").asString().map(Path::of).orElse(d.stateDir),
                    node.get("max-bundle-bytes").asLong().orElse(d.maxBundleBytes),
                    node.get("start-command").asList(String.class).orElse(d.startCommand),
                    node.get("stop-command").asList(String.class).orElse(d.stopCommand),
                    node.get("reload-command").asList(String.class).orElse(d.reloadCommand),
                    node.get("applier-command").asList(String.class).asOptional().filter(l -> !l.isEmpty()),
                    node.get("gate-timeout").as(Duration.class).orElse(d.gateTimeout),
                    node.get("min-free-bytes").asLong().orElse(d.minFreeBytes),
                    node.get("keep-releases").asInt().orElse(d.keepReleases),
                    node.get("rollback-window").as(Duration.class).orElse(d.rollbackWindow),
                    node.get("pickup-timeout").as(Duration.class).orElse(d.pickupTimeout));
        } catch (io.helidon.config.ConfigException e) {
            throw new ConfigException("telltale.upgrade", e.getMessage());
        }
    }

    /** {@code releases/<version>} under the releases directory. */
    public Path release(String version) {
        return releasesDir.resolve("releases").resolve(version);
    }

    /** The link to the running release. */
    public Path current() {
        return releasesDir.resolve("current");
    }

    private static void command(String key, List<String> c) {
        if (c.isEmpty() || c.stream().anyMatch(s -> s == null || s.isEmpty())) {
            throw new ConfigException(NODE + key, "must be a non-empty list of non-empty strings");
        }
    }

    private static void range(String key, long v, long min, long max) {
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
