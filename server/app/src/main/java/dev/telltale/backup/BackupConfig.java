package dev.telltale.backup;

import dev.telltale.config.ConfigException;
import io.helidon.config.Config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Node {@code telltale.backup}: {@code keep} (local backups kept, 1-100), {@code schedule.interval}
 * (ISO-8601 duration, at least PT1M; empty means no scheduled backups), {@code schedule.at}
 * (UTC time of day {@code HH:MM} the schedule is anchored on), {@code target} (where scheduled
 * backups and exports are copied: {@code type: none | directory | sftp}), {@code keep-remote}
 * (archives kept at the target, 1-1000) and {@code config-files} (files copied into each backup's
 * {@code etc/}, besides the {@code --config} file the server was started with, key
 * {@code telltale.config-file}).
 */
public record BackupConfig(int keep, Optional<Duration> interval, Optional<LocalTime> at, Optional<Target> target,
                           int keepRemote, List<Path> configFiles) {

    /** Where archives go. */
    public sealed interface Target permits DirectoryTarget, SftpTarget {
        String describe();
    }

    /** A directory (a mounted share, say) receiving {@code telltale-backup-<id>.zip} and its {@code .sha256}. */
    public record DirectoryTarget(Path path) implements Target {
        @Override
        public String describe() {
            return "directory " + path;
        }
    }

    /**
     * An SFTP server whose host key must have the pinned fingerprint ({@code SHA256:...} as
     * OpenSSH prints it); password, private key file or private key text (from the settings
     * Admins save; never logged).
     */
    public record SftpTarget(String host, int port, String user, String remoteDir, String hostKeyFingerprint,
                             Optional<String> password, Optional<Path> privateKeyFile,
                             Optional<String> privateKeyPem) implements Target {
        /** A target of the configuration file (no key text). */
        public SftpTarget(String host, int port, String user, String remoteDir, String hostKeyFingerprint,
                          Optional<String> password, Optional<Path> privateKeyFile) {
            this(host, port, user, remoteDir, hostKeyFingerprint, password, privateKeyFile, Optional.empty());
        }

        @Override
        public String describe() {
            return "sftp://" + user + "@" + host + ":" + port + "/" + remoteDir;
        }

        @Override
        public String toString() {
            return "SftpTarget[" + describe() + ", host key " + hostKeyFingerprint + "]";
        }
    }

    private static final Pattern FINGERPRINT = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}=?");

    public BackupConfig {
        range("keep", keep, 1, 100);
        range("keep-remote", keepRemote, 1, 1000);
        if (interval.isPresent() && interval.get().compareTo(Duration.ofMinutes(1)) < 0) {
            throw new ConfigException("telltale.backup.schedule.interval", "must be at least PT1M, was " + interval.get());
        }
        configFiles = List.copyOf(configFiles);
    }

    /**
     * This configuration with the schedule, target and {@code keep-remote} of settings an Admin
     * saved (they win over the configuration file's).
     */
    BackupConfig with(BackupSettings s, SettingsCheck.Credentials credentials) {
        Optional<Target> t = switch (s.targetType()) {
            case NONE -> Optional.empty();
            case DIRECTORY -> s.path().map(DirectoryTarget::new);
            case SFTP -> s.sftp().map(f -> new SftpTarget(f.host(), f.port(), f.user(), f.remoteDir(), f.hostKey(),
                    credentials.password(), Optional.empty(), credentials.privateKey()));
        };
        return new BackupConfig(keep, s.interval(), s.at(), t, s.keepRemote(), configFiles);
    }

    /** The schedule, target and {@code keep-remote} of this configuration as settings (without secrets). */
    BackupSettings settings() {
        BackupSettings.TargetType type = target.map(t -> t instanceof DirectoryTarget ? BackupSettings.TargetType.DIRECTORY
                : BackupSettings.TargetType.SFTP).orElse(BackupSettings.TargetType.NONE);
        Optional<Path> path = target.filter(t -> t instanceof DirectoryTarget).map(t -> ((DirectoryTarget) t).path());
        Optional<BackupSettings.Sftp> sftp = target.filter(t -> t instanceof SftpTarget).map(t -> (SftpTarget) t)
                .map(t -> new BackupSettings.Sftp(t.host(), t.port(), t.user(), t.remoteDir(), t.hostKeyFingerprint()));
        return new BackupSettings(interval, at, type, path, sftp, keepRemote);
    }

    public static BackupConfig defaults() {
        return new BackupConfig(5, Optional.empty(), Optional.empty(), Optional.empty(), 5, List.of());
    }

    /** @throws ConfigException naming the key of a missing or invalid value */
    public static BackupConfig from(Config node, Optional<Path> startedWith) {
        List<Path> files = new ArrayList<>();
        startedWith.ifPresent(files::add);
        node.get("config-files").asList(String.class).orElse(List.of()).stream().filter(s -> !s.isBlank())
                .map(Path::of).forEach(files::add);
        return new BackupConfig(
                (int) number(node, "keep", 5),
                text(node, "schedule.interval").map(v -> duration("schedule.interval", v)),
                text(node, "schedule.at").map(BackupConfig::timeOfDay),
                target(node.get("target")),
                (int) number(node, "keep-remote", 5),
                files);
    }

    private static Optional<Target> target(Config t) {
        String type = text(t, "type").orElse("none");
        return switch (type) {
            case "none" -> Optional.empty();
            case "directory" -> Optional.of(new DirectoryTarget(Path.of(required(t, "path")).toAbsolutePath().normalize()));
            case "sftp" -> Optional.of(sftp(t));
            default -> throw new ConfigException("telltale.backup.target.type",
                    "must be none, directory or sftp, was '" + type + "'");
        };
    }

    private static SftpTarget sftp(Config t) {
        String fp = required(t, "host-key");
        if (!FINGERPRINT.matcher(fp).matches()) {
            throw new ConfigException("telltale.backup.target.host-key",
                    "must be the server's key fingerprint as OpenSSH prints it (SHA256: and 43 base64 characters)");
        }
        Optional<String> password = text(t, "password");
        Optional<Path> key = text(t, "private-key-file").map(Path::of);
        if (password.isEmpty() && key.isEmpty()) {
            throw new ConfigException("telltale.backup.target.password", "an SFTP target needs password or private-key-file");
        }
        long port = number(t, "port", 22);
        range("target.port", port, 1, 65535);
        return new SftpTarget(required(t, "host"), (int) port, required(t, "user"), text(t, "remote-dir").orElse("."),
                fp.endsWith("=") ? fp.substring(0, fp.length() - 1) : fp, password, key);
    }

    private static LocalTime timeOfDay(String v) {
        if (!v.matches("\\d{2}:\\d{2}")) {
            throw new ConfigException("telltale.backup.schedule.at", "must be a UTC time of day HH:MM, was '" + v + "'");
        }
        try {
            return LocalTime.parse(v);
        } catch (DateTimeParseException e) {
            throw new ConfigException("telltale.backup.schedule.at", "must be a UTC time of day HH:MM, was '" + v + "'");
        }
    }

    private static Duration duration(String key, String v) {
        try {
            return Duration.parse(v);
        } catch (DateTimeParseException e) {
            throw new ConfigException("telltale.backup." + key, "must be an ISO-8601 duration such as P1D or PT6H, was '" + v + "'");
        }
    }

    private static String required(Config node, String key) {
        return text(node, key).orElseThrow(() -> new ConfigException(node.key() + "." + key, "is required"));
    }

    private static Optional<String> text(Config node, String key) {
        return node.get(key).asString().asOptional().map(String::trim).filter(s -> !s.isEmpty());
    }

    private static long number(Config node, String key, long fallback) {
        try {
            return node.get(key).asLong().orElse(fallback);
        } catch (io.helidon.config.ConfigException e) {
            throw new ConfigException(node.key() + "." + key, "must be a whole number");
        }
    }

    private static void range(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new ConfigException("telltale.backup." + key, "must be between " + min + " and " + max + ", was " + value);
        }
    }
}
