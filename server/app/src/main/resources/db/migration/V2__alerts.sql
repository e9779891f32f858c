-- Alerts and triage (package dev.telltale.alerts, docs/alerts.md). Conventions as in V1.
--  * An alert groups the findings of one rule with one key on one component of one application
--    of one team. The key may be 512 characters, too long for a comfortable unique index, so the
--    unique constraint is on its SHA-256 (key_hash); alert_key keeps the text.
--  * Severity is 'P1'..'P4': the smallest string is the most urgent, so MIN/'<' mean "worse".
--  * Triage state lives on occurrences (one per alert and component version), not on alerts.

CREATE TABLE alerts (
    id             BIGINT GENERATED ALWAYS AS IDENTITY,
    team_id        BIGINT        NOT NULL,
    application_id BIGINT        NOT NULL,
    component_id   BIGINT        NOT NULL,
    rule_id        VARCHAR(64)   NOT NULL,
    key_hash       CHAR(64)      NOT NULL,
    alert_key      VARCHAR(512)  NOT NULL,
    severity       CHAR(2)       NOT NULL,
    first_seen     TIMESTAMP     NOT NULL,
    last_seen      TIMESTAMP     NOT NULL,
    event_count    BIGINT        NOT NULL,
    CONSTRAINT alerts_pk PRIMARY KEY (id),
    CONSTRAINT alerts_team_fk FOREIGN KEY (team_id) REFERENCES teams (id),
    CONSTRAINT alerts_app_fk FOREIGN KEY (application_id) REFERENCES applications (id),
    CONSTRAINT alerts_comp_fk FOREIGN KEY (component_id) REFERENCES components (id),
    CONSTRAINT alerts_group_uq UNIQUE (component_id, rule_id, key_hash),
    CONSTRAINT alerts_severity_ck CHECK (severity IN ('P1', 'P2', 'P3', 'P4')),
    CONSTRAINT alerts_count_ck CHECK (event_count > 0)
);
-- The list is newest last_seen first with (last_seen, id) cursors.
CREATE INDEX alerts_last_seen_ix ON alerts (last_seen DESC, id DESC);

-- recorded_at is the appliance's time of the latest finding (last_seen is the event's own time,
-- from the agent's clock); the Fixed sweep asks "still showing?" in appliance time.
CREATE TABLE alert_occurrences (
    id               BIGINT GENERATED ALWAYS AS IDENTITY,
    alert_id         BIGINT       NOT NULL,
    version_id       BIGINT       NOT NULL,
    state            VARCHAR(16)  NOT NULL,
    state_expires_at TIMESTAMP,
    event_count      BIGINT       NOT NULL,
    first_seen       TIMESTAMP    NOT NULL,
    last_seen        TIMESTAMP    NOT NULL,
    recorded_at      TIMESTAMP    NOT NULL,
    carried_from     BIGINT,
    CONSTRAINT alert_occurrences_pk PRIMARY KEY (id),
    CONSTRAINT alert_occurrences_alert_fk FOREIGN KEY (alert_id) REFERENCES alerts (id),
    CONSTRAINT alert_occurrences_ver_fk FOREIGN KEY (version_id) REFERENCES component_versions (id),
    CONSTRAINT alert_occurrences_carried_fk FOREIGN KEY (carried_from) REFERENCES alert_occurrences (id),
    CONSTRAINT alert_occurrences_alert_ver_uq UNIQUE (alert_id, version_id),
    CONSTRAINT alert_occurrences_state_ck CHECK (state IN
        ('REPORTED', 'ACKNOWLEDGED', 'NOT_AN_ISSUE', 'RISK_ACCEPTED', 'FIXED')),
    -- An expiry exactly when risk is accepted: the expiry sweep relies on it.
    CONSTRAINT alert_occurrences_expiry_ck CHECK ((state = 'RISK_ACCEPTED' AND state_expires_at IS NOT NULL)
                                               OR (state <> 'RISK_ACCEPTED' AND state_expires_at IS NULL)),
    CONSTRAINT alert_occurrences_count_ck CHECK (event_count > 0)
);
CREATE INDEX alert_occurrences_state_ix ON alert_occurrences (state, state_expires_at);

CREATE TABLE alert_hosts (
    alert_id    BIGINT       NOT NULL,
    hostname    VARCHAR(255) NOT NULL,
    event_count BIGINT       NOT NULL,
    first_seen  TIMESTAMP    NOT NULL,
    last_seen   TIMESTAMP    NOT NULL,
    CONSTRAINT alert_hosts_pk PRIMARY KEY (alert_id, hostname),
    CONSTRAINT alert_hosts_alert_fk FOREIGN KEY (alert_id) REFERENCES alerts (id)
);

-- One row per finding: grouping never hides evidence. event_uid is the event store's unique id
-- (0 for findings from outside telemetry, e.g. supply chain); agent_id is 0 then too, hence no
-- foreign key to agents. No foreign keys to alerts or occurrences either: this is the high-volume
-- table, only Alerts.record writes it, with ids it resolved in the same transaction, and the key
-- checks with their backing index cost about a third of record()'s throughput.
CREATE TABLE alert_evidence (
    id            BIGINT GENERATED ALWAYS AS IDENTITY,
    alert_id      BIGINT        NOT NULL,
    occurrence_id BIGINT        NOT NULL,
    event_uid     BIGINT        NOT NULL,
    event_time    TIMESTAMP     NOT NULL,
    hostname      VARCHAR(255)  NOT NULL,
    agent_id      BIGINT        NOT NULL,
    pid           BIGINT        NOT NULL,
    summary       VARCHAR(1000) NOT NULL,
    CONSTRAINT alert_evidence_pk PRIMARY KEY (id)
);
-- Evidence pages are newest first with (event_time, id) cursors, per alert or per occurrence.
CREATE INDEX alert_evidence_alert_ix ON alert_evidence (alert_id, event_time DESC, id DESC);
CREATE INDEX alert_evidence_occ_ix ON alert_evidence (occurrence_id, event_time DESC, id DESC);

-- Every state change of an occurrence, manual or by the system ('system' actor): creation
-- (from_state NULL), carry-over, reopening, expiry, fixed. Comments are a separate table.
CREATE TABLE alert_history (
    id            BIGINT GENERATED ALWAYS AS IDENTITY,
    occurrence_id BIGINT        NOT NULL,
    changed_at    TIMESTAMP     NOT NULL,
    actor         VARCHAR(100)  NOT NULL,
    from_state    VARCHAR(16),
    to_state      VARCHAR(16)   NOT NULL,
    expires_at    TIMESTAMP,
    comment       VARCHAR(4000),
    CONSTRAINT alert_history_pk PRIMARY KEY (id),
    CONSTRAINT alert_history_occ_fk FOREIGN KEY (occurrence_id) REFERENCES alert_occurrences (id)
);

CREATE TABLE alert_comments (
    id            BIGINT GENERATED ALWAYS AS IDENTITY,
    occurrence_id BIGINT        NOT NULL,
    created_at    TIMESTAMP     NOT NULL,
    actor         VARCHAR(100)  NOT NULL,
    body          VARCHAR(4000) NOT NULL,
    CONSTRAINT alert_comments_pk PRIMARY KEY (id),
    CONSTRAINT alert_comments_occ_fk FOREIGN KEY (occurrence_id) REFERENCES alert_occurrences (id)
);
