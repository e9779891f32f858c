package dev.telltale.backup;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.Optional;

/**
 * The schedule, the target and {@code keep-remote} as Admins set them (UI or API), without the
 * SFTP secrets: those are write-only, and {@link Stored} only says whether they are set.
 */
public record BackupSettings(Optional<Duration> interval, Optional<LocalTime> at, TargetType targetType,
                             Optional<Path> path, Optional<Sftp> sftp, int keepRemote) {

    /** Where archives go. */
    public enum TargetType {
        NONE, DIRECTORY, SFTP;

        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** An SFTP server; {@code hostKey} is the pinned {@code SHA256:...} fingerprint. */
    public record Sftp(String host, int port, String user, String remoteDir, String hostKey) {
    }

    /**
     * The settings in effect and where they come from: {@code database} once an Admin saved them
     * (they then win over the configuration file), {@code configuration} before.
     */
    public record Stored(BackupSettings settings, boolean passwordSet, boolean privateKeySet, String source,
                         Optional<Instant> updatedAt, Optional<String> updatedBy) {
    }

    /**
     * Settings as submitted, every value as text (what a form or a JSON body holds; blank means
     * not given). The secrets: empty keeps the stored one; a new password or private key replaces
     * the stored credentials (both of them). Never printed.
     */
    public record Input(String interval, String at, String targetType, String path, String host, String port,
                        String user, String remoteDir, String hostKey, String keepRemote, Optional<String> password,
                        Optional<String> privateKey) {
        public Input {
            password = password.filter(s -> !s.isEmpty());
            privateKey = privateKey.map(String::strip).filter(s -> !s.isEmpty());
        }

        @Override
        public String toString() {
            return "Input[" + interval + ", " + at + ", " + targetType + ", " + path + ", " + host + ":" + port + ", "
                    + user + ", " + remoteDir + ", " + hostKey + ", keep " + keepRemote + ", password "
                    + (password.isPresent() ? "given" : "kept") + ", key " + (privateKey.isPresent() ? "given" : "kept") + "]";
        }
    }

    /** The outcome of trying the target: whether it is usable, in an operator's words, without secrets. */
    public record TestResult(boolean ok, String message) {
    }

    /** The schedule in words ("every P1D from 02:30 UTC") or empty when off. */
    public Optional<String> scheduleText() {
        return interval.map(i -> "every " + iso(i) + at.map(a -> " from " + a + " UTC").orElse(""));
    }

    /** An interval as an Admin writes it: whole days as {@code P1D} (Java prints {@code PT24H}). */
    public static String iso(Duration d) {
        return !d.isZero() && d.toSeconds() % 86_400 == 0 && d.toNanosPart() == 0 ? "P" + d.toDays() + "D" : d.toString();
    }
}
