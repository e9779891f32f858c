package dev.telltale.ui.backups;

import dev.telltale.backup.BackupSettings;
import dev.telltale.ui.Form;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The backup settings as the form shows and sends them, every value as text. The SFTP password
 * and private key are never in it: the form's fields for them start empty (empty keeps the stored ones).
 */
record BackupsForm(String interval, String at, String targetType, String path, String host, String port, String user,
                   String remoteDir, String hostKey, String keepRemote) {

    static BackupsForm of(BackupSettings s) {
        Optional<BackupSettings.Sftp> f = s.sftp();
        return new BackupsForm(s.interval().map(BackupSettings::iso).orElse(""), s.at().map(Object::toString).orElse(""),
                s.targetType().key(), s.path().map(Path::toString).orElse(""), f.map(BackupSettings.Sftp::host).orElse(""),
                f.map(x -> Integer.toString(x.port())).orElse("22"), f.map(BackupSettings.Sftp::user).orElse(""),
                f.map(BackupSettings.Sftp::remoteDir).orElse(""), f.map(BackupSettings.Sftp::hostKey).orElse(""),
                Integer.toString(s.keepRemote()));
    }

    static BackupsForm read(Form f) {
        return new BackupsForm(f.text("schedule_interval"), f.text("schedule_at"), f.text("target_type"),
                f.text("target_path"), f.text("target_host"), f.text("target_port"), f.text("target_user"),
                f.text("target_remote_dir"), f.text("target_host_key"), f.text("keep_remote"));
    }

    /** The input to save: this form's values and the secrets typed into the form (empty keeps the stored ones). */
    BackupSettings.Input input(Form f) {
        return new BackupSettings.Input(interval, at, targetType, path, host, port, user, remoteDir, hostKey, keepRemote,
                f.first("target_password"), f.first("target_private_key"));
    }

    /** The form field of a settings field the API names ({@code target.host} is {@code target_host}). */
    static String fieldOf(String settingsField) {
        return settingsField.replace('.', '_');
    }
}
