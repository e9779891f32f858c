-- Upgrades and manual rollbacks: one row per transaction, written when it starts (before the
-- backup, so a rolled-back appliance still has the row) and finished by the server that runs
-- afterwards, whichever release that is.
CREATE TABLE upgrade_history (
    id               VARCHAR(64)   NOT NULL PRIMARY KEY,
    kind             VARCHAR(16)   NOT NULL,
    from_version     VARCHAR(64)   NOT NULL,
    to_version       VARCHAR(64)   NOT NULL,
    actor            VARCHAR(128)  NOT NULL,
    state            VARCHAR(16)   NOT NULL,
    safety_backup    VARCHAR(128),
    previous_release VARCHAR(1024),
    message          VARCHAR(4000),
    started_at       TIMESTAMP     NOT NULL,
    finished_at      TIMESTAMP
);
CREATE INDEX upgrade_history_started ON upgrade_history (started_at);
