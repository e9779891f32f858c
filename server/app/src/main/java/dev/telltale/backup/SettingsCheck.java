package dev.telltale.backup;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks submitted settings as {@link BackupConfig} checks the configuration file, but collects
 * every problem, keyed by the API's field name ({@code schedule.interval}, {@code target.host}, ...).
 */
final class SettingsCheck {
    static final Pattern FINGERPRINT = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}=?");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})|\\[[0-9A-Fa-f:.]{2,45}]");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9._@-]{1,100}");

    /** Settings that passed, with the credentials to store (new ones, or the stored ones kept). */
    record Checked(BackupSettings settings, Credentials credentials) {
    }

    /** SFTP credentials in clear; only inside this package, never printed. */
    record Credentials(Optional<String> password, Optional<String> privateKey) {
        static final Credentials NONE = new Credentials(Optional.empty(), Optional.empty());

        boolean any() {
            return password.isPresent() || privateKey.isPresent();
        }

        @Override
        public String toString() {
            return "Credentials[password " + (password.isPresent() ? "set" : "not set") + ", key "
                    + (privateKey.isPresent() ? "set" : "not set") + "]";
        }
    }

    private final Map<String, String> errors = new LinkedHashMap<>();

    private SettingsCheck() {
    }

    /**
     * @param stored the credentials stored now, kept when the input brings none
     * @throws BackupException INVALID with an error per bad field
     */
    static Checked check(BackupSettings.Input in, Credentials stored) {
        SettingsCheck c = new SettingsCheck();
        Checked out = c.run(in, stored);
        if (!c.errors.isEmpty()) {
            throw new BackupException(c.errors);
        }
        return out;
    }

    private Checked run(BackupSettings.Input in, Credentials stored) {
        Optional<Duration> interval = interval(in.interval());
        Optional<LocalTime> at = at(in.at());
        if (interval.isEmpty() && at.isPresent() && !errors.containsKey("schedule.interval")) {
            errors.put("schedule.at", "a time of day needs an interval");
        }
        int keepRemote = whole("keep_remote", in.keepRemote(), 5, 1, 1000);
        BackupSettings.TargetType type = type(in.targetType());
        Optional<Path> path = Optional.empty();
        Optional<BackupSettings.Sftp> sftp = Optional.empty();
        Credentials credentials = Credentials.NONE;
        if (type == BackupSettings.TargetType.DIRECTORY) {
            path = path(in.path());
        } else if (type == BackupSettings.TargetType.SFTP) {
            sftp = Optional.of(sftp(in));
            credentials = credentials(in, stored);
        }
        return new Checked(new BackupSettings(interval, at, type, path, sftp, keepRemote), credentials);
    }

    private Optional<Duration> interval(String v) {
        if (v.isBlank()) {
            return Optional.empty();
        }
        try {
            Duration d = Duration.parse(v.strip().toUpperCase(Locale.ROOT));
            if (d.compareTo(Duration.ofMinutes(1)) < 0 || d.compareTo(Duration.ofDays(366)) > 0) {
                errors.put("schedule.interval", "must be between PT1M and P366D, was " + v.strip());
                return Optional.empty();
            }
            return Optional.of(d);
        } catch (DateTimeParseException e) {
            errors.put("schedule.interval", "must be an ISO-8601 duration such as P1D or PT6H, was '" + clip(v) + "'");
            return Optional.empty();
        }
    }

    private Optional<LocalTime> at(String v) {
        if (v.isBlank()) {
            return Optional.empty();
        }
        try {
            if (v.strip().matches("\\d{2}:\\d{2}")) {
                return Optional.of(LocalTime.parse(v.strip()));
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        errors.put("schedule.at", "must be a UTC time of day HH:MM, was '" + clip(v) + "'");
        return Optional.empty();
    }

    private BackupSettings.TargetType type(String v) {
        String t = v.isBlank() ? "none" : v.strip().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "none" -> BackupSettings.TargetType.NONE;
            case "directory" -> BackupSettings.TargetType.DIRECTORY;
            case "sftp" -> BackupSettings.TargetType.SFTP;
            default -> {
                errors.put("target.type", "must be none, directory or sftp, was '" + clip(v) + "'");
                yield BackupSettings.TargetType.NONE;
            }
        };
    }

    private Optional<Path> path(String v) {
        if (v.isBlank()) {
            errors.put("target.path", "a directory target needs a path");
            return Optional.empty();
        }
        try {
            Path p = Path.of(v.strip());
            if (!p.isAbsolute() || v.length() > 1000) {
                errors.put("target.path", "must be an absolute path such as /mnt/backups");
                return Optional.empty();
            }
            return Optional.of(p.normalize());
        } catch (InvalidPathException e) {
            errors.put("target.path", "is not a valid path");
            return Optional.empty();
        }
    }

    private BackupSettings.Sftp sftp(BackupSettings.Input in) {
        String host = in.host().strip();
        if (host.isEmpty()) {
            errors.put("target.host", "an SFTP target needs a host");
        } else if (!HOST.matcher(host).matches()) {
            errors.put("target.host", "must be a host name or an IP address");
        }
        int port = whole("target.port", in.port(), 22, 1, 65535);
        String user = in.user().strip();
        if (user.isEmpty()) {
            errors.put("target.user", "an SFTP target needs a user name");
        } else if (!USER.matcher(user).matches()) {
            errors.put("target.user", "must be 1 to 100 letters, digits or . _ @ -");
        }
        String dir = in.remoteDir().strip().isEmpty() ? "." : in.remoteDir().strip();
        if (dir.length() > 1000 || dir.chars().anyMatch(ch -> ch < 0x20)) {
            errors.put("target.remote_dir", "must be a directory path on the server of at most 1000 characters");
        }
        String fp = in.hostKey().strip();
        if (fp.isEmpty()) {
            errors.put("target.host_key", "pin the server's host key fingerprint (ssh-keygen -lf <host key>.pub)");
        } else if (!FINGERPRINT.matcher(fp).matches()) {
            errors.put("target.host_key", "must be the server's key fingerprint as OpenSSH prints it "
                    + "(SHA256: and 43 base64 characters)");
        }
        return new BackupSettings.Sftp(host, port, user, dir, fp.endsWith("=") ? fp.substring(0, fp.length() - 1) : fp);
    }

    private Credentials credentials(BackupSettings.Input in, Credentials stored) {
        if (in.privateKey().isPresent()) {
            Optional<String> problem = SftpTarget.keyProblem(in.privateKey().get());
            problem.ifPresent(p -> errors.put("target.private_key", p));
        }
        if (in.password().isPresent() && in.password().get().length() > 1000) {
            errors.put("target.password", "must be at most 1000 characters");
        }
        Credentials given = new Credentials(in.password(), in.privateKey());
        Credentials out = given.any() ? given : stored;
        if (!out.any()) {
            errors.put("target.password", "an SFTP target needs a password or a private key");
        }
        return out;
    }

    private int whole(String field, String v, int fallback, int min, int max) {
        if (v.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        errors.put(field, "must be a whole number from " + min + " to " + max + ", was '" + clip(v) + "'");
        return fallback;
    }

    private static String clip(String v) {
        String s = v.strip();
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
