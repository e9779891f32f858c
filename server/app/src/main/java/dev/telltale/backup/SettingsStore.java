package dev.telltale.backup;

import dev.telltale.audit.Audit;
import dev.telltale.db.Sql;
import dev.telltale.secrets.SecretBox;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The settings Admins saved, in Derby ({@code backup_settings}, one row); the SFTP password and
 * private key sealed by {@link SecretBox} for their own purposes.
 */
final class SettingsStore {
    private static final Logger LOG = Logger.getLogger(SettingsStore.class.getName());
    static final String PASSWORD_PURPOSE = "backup_settings.sftp_password";
    static final String KEY_PURPOSE = "backup_settings.sftp_private_key";

    /** A saved row, the secrets opened (they never leave this package). */
    record Saved(BackupSettings settings, SettingsCheck.Credentials credentials, Instant updatedAt, String updatedBy) {
    }

    private final DataSource dataSource;
    private final SecretBox box;
    private final Clock clock;

    SettingsStore(DataSource dataSource, SecretBox box, Clock clock) {
        this.dataSource = dataSource;
        this.box = box;
        this.clock = clock;
    }

    /** The saved settings, or empty when no Admin ever saved any (the configuration file's apply). */
    Optional<Saved> load() {
        return Sql.inTransaction(dataSource, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT schedule_every, schedule_at, target_type, target_path,"
                    + " sftp_host, sftp_port, sftp_user, sftp_remote_dir, sftp_host_key, sftp_password, sftp_private_key,"
                    + " keep_remote, updated_at, updated_by FROM backup_settings WHERE id = 1");
                 ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.<Saved>empty();
            }
        });
    }

    private Saved read(ResultSet rs) throws SQLException {
        BackupSettings.TargetType type = BackupSettings.TargetType.valueOf(rs.getString("target_type")
                .toUpperCase(java.util.Locale.ROOT));
        Optional<BackupSettings.Sftp> sftp = type != BackupSettings.TargetType.SFTP ? Optional.empty()
                : Optional.of(new BackupSettings.Sftp(rs.getString("sftp_host"), rs.getInt("sftp_port"),
                rs.getString("sftp_user"), rs.getString("sftp_remote_dir"), rs.getString("sftp_host_key")));
        BackupSettings s = new BackupSettings(Optional.ofNullable(rs.getString("schedule_every")).map(Duration::parse),
                Optional.ofNullable(rs.getString("schedule_at")).map(LocalTime::parse), type,
                Optional.ofNullable(rs.getString("target_path")).map(Path::of), sftp, rs.getInt("keep_remote"));
        SettingsCheck.Credentials cred = new SettingsCheck.Credentials(
                open(rs.getString("sftp_password"), PASSWORD_PURPOSE, "password"),
                open(rs.getString("sftp_private_key"), KEY_PURPOSE, "private key"));
        return new Saved(s, cred, Sql.instant(rs, "updated_at").orElseThrow(), rs.getString("updated_by"));
    }

    /** A stored secret, or none when it does not open (the data directory's key was replaced). */
    private Optional<String> open(String sealed, String purpose, String what) {
        if (sealed == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(box.open(sealed, purpose));
        } catch (IllegalArgumentException e) {
            LOG.warning(() -> "the stored SFTP " + what + " of the backup target cannot be opened (" + e.getMessage()
                    + "); an Admin must set it again");
            return Optional.empty();
        }
    }

    /** Replaces the settings and audits the change ({@code backup.settings}, no secret in it), in one transaction. */
    Saved save(SettingsCheck.Checked checked, boolean credentialsReplaced, String actor) {
        BackupSettings s = checked.settings();
        Optional<String> password = checked.credentials().password().map(p -> box.seal(p, PASSWORD_PURPOSE));
        Optional<String> key = checked.credentials().privateKey().map(k -> box.seal(k, KEY_PURPOSE));
        Instant now = clock.instant();
        Sql.inTransaction(dataSource, c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM backup_settings WHERE id = 1")) {
                del.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO backup_settings (id, schedule_every, schedule_at,"
                    + " target_type, target_path, sftp_host, sftp_port, sftp_user, sftp_remote_dir, sftp_host_key,"
                    + " sftp_password, sftp_private_key, keep_remote, updated_at, updated_by)"
                    + " VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, s.interval().map(BackupSettings::iso).orElse(null));
                ps.setString(2, s.at().map(LocalTime::toString).orElse(null));
                ps.setString(3, s.targetType().key());
                ps.setString(4, s.path().map(Path::toString).orElse(null));
                ps.setString(5, s.sftp().map(BackupSettings.Sftp::host).orElse(null));
                if (s.sftp().isPresent()) {
                    ps.setInt(6, s.sftp().get().port());
                } else {
                    ps.setNull(6, Types.INTEGER);
                }
                ps.setString(7, s.sftp().map(BackupSettings.Sftp::user).orElse(null));
                ps.setString(8, s.sftp().map(BackupSettings.Sftp::remoteDir).orElse(null));
                ps.setString(9, s.sftp().map(BackupSettings.Sftp::hostKey).orElse(null));
                ps.setString(10, password.orElse(null));
                ps.setString(11, key.orElse(null));
                ps.setInt(12, s.keepRemote());
                Sql.setInstant(ps, 13, now);
                ps.setString(14, actor);
                ps.executeUpdate();
            }
            Audit.record(c, now, actor, "backup.settings", "backups/settings",
                    Optional.of(describe(s, checked.credentials(), credentialsReplaced)));
            return null;
        });
        return new Saved(s, checked.credentials(), now, actor);
    }

    /** What an auditor needs to see changed: every setting, and of the secrets only whether they changed. */
    static String describe(BackupSettings s, SettingsCheck.Credentials cred, boolean replaced) {
        String target = switch (s.targetType()) {
            case NONE -> "none";
            case DIRECTORY -> "directory " + s.path().map(Path::toString).orElse("-");
            case SFTP -> s.sftp().map(f -> "sftp://" + f.user() + "@" + f.host() + ":" + f.port() + "/" + f.remoteDir()
                    + " host key " + f.hostKey()).orElse("-") + "; auth "
                    + (cred.privateKey().isPresent() ? "private key" : "password")
                    + (replaced ? " (credentials replaced)" : " (credentials kept)");
        };
        return "schedule " + s.scheduleText().orElse("off") + "; target " + target + "; keep-remote " + s.keepRemote();
    }
}
