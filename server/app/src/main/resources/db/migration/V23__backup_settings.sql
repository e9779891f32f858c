-- Scheduled backups and their target as Admins set them in the UI or the API (docs/backups.md).
-- A single row (id 1); when it exists it replaces telltale.backup.schedule, .target and
-- .keep-remote of the configuration file, which stay the initial default. The SFTP password and
-- private key are sealed with AES-GCM under DATA/secrets/settings.key before they are stored;
-- the clear values never reach the database.
CREATE TABLE backup_settings (
    id               INTEGER        NOT NULL,
    schedule_every   VARCHAR(40),
    schedule_at      VARCHAR(5),
    target_type      VARCHAR(16)    NOT NULL,
    target_path      VARCHAR(1000),
    sftp_host        VARCHAR(255),
    sftp_port        INTEGER,
    sftp_user        VARCHAR(255),
    sftp_remote_dir  VARCHAR(1000),
    sftp_host_key    VARCHAR(60),
    sftp_password    VARCHAR(2000),
    sftp_private_key VARCHAR(32000),
    keep_remote      INTEGER        NOT NULL,
    updated_at       TIMESTAMP      NOT NULL,
    updated_by       VARCHAR(100)   NOT NULL,
    CONSTRAINT backup_settings_pk PRIMARY KEY (id),
    CONSTRAINT backup_settings_single_ck CHECK (id = 1),
    CONSTRAINT backup_settings_type_ck CHECK (target_type IN ('none', 'directory', 'sftp'))
);
