-- Outbound integrations and their notification outbox (package dev.telltale.notify, decision 16).

-- One integration of a team: an HTTPS webhook, a Slack incoming webhook, a Jira project or a
-- syslog/CEF receiver. settings: JSON of what is not secret (Jira project key, syslog CA PEM, …).
-- secrets: JSON of the secrets (webhook HMAC secret, custom header values, Slack URL, Jira token)
-- sealed with AES-GCM under DATA/secrets/settings.key; the clear values never reach the database.
-- event_kinds: comma-separated kinds; applications: comma-separated filter, NULL for all.
CREATE TABLE integrations (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY,
    team_id              BIGINT         NOT NULL,
    type                 VARCHAR(16)    NOT NULL,
    name                 VARCHAR(100)   NOT NULL,
    enabled              BOOLEAN        NOT NULL,
    event_kinds          VARCHAR(200)   NOT NULL,
    applications         VARCHAR(2000),
    url                  VARCHAR(2000),
    settings             VARCHAR(32000) NOT NULL,
    secrets              VARCHAR(16000),
    failed               BOOLEAN        NOT NULL DEFAULT FALSE,
    consecutive_failures INTEGER        NOT NULL DEFAULT 0,
    created_at           TIMESTAMP      NOT NULL,
    updated_at           TIMESTAMP      NOT NULL,
    updated_by           VARCHAR(100)   NOT NULL,
    CONSTRAINT integrations_pk PRIMARY KEY (id),
    CONSTRAINT integrations_team_fk FOREIGN KEY (team_id) REFERENCES teams (id),
    CONSTRAINT integrations_name_uq UNIQUE (team_id, name),
    CONSTRAINT integrations_type_ck CHECK (type IN ('WEBHOOK', 'SLACK', 'JIRA', 'SYSLOG'))
);

-- The outbox: one row per thing that happened, inserted in the same transaction as the thing
-- itself (an alert occurrence created or changing state, a new vulnerability finding). team_id
-- NULL: a system event every team's integrations may subscribe to. dispatched: the row has been
-- fanned out into deliveries (in the transaction that inserted them).
CREATE TABLE notify_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY,
    kind        VARCHAR(32)   NOT NULL,
    team_id     BIGINT,
    application VARCHAR(256),
    occurred_at TIMESTAMP     NOT NULL,
    payload     CLOB(1M)      NOT NULL,
    dispatched  BOOLEAN       NOT NULL DEFAULT FALSE,
    CONSTRAINT notify_events_pk PRIMARY KEY (id)
);
CREATE INDEX notify_events_pending_ix ON notify_events (dispatched, id);

-- One event to one integration. delivery_uid is what receivers de-duplicate by: a retry (or a
-- resend after a crash between the receiver's 2xx and the DELIVERED update) carries the same one.
-- status: PENDING (next_attempt_at says when), DELIVERED (after a 2xx), FAILED (gave up).
CREATE TABLE notify_deliveries (
    id              BIGINT GENERATED ALWAYS AS IDENTITY,
    delivery_uid    CHAR(36)      NOT NULL,
    event_id        BIGINT        NOT NULL,
    integration_id  BIGINT        NOT NULL,
    status          VARCHAR(12)   NOT NULL,
    attempts        INTEGER       NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP     NOT NULL,
    last_attempt_at TIMESTAMP,
    last_result     VARCHAR(500),
    created_at      TIMESTAMP     NOT NULL,
    delivered_at    TIMESTAMP,
    CONSTRAINT notify_deliveries_pk PRIMARY KEY (id),
    CONSTRAINT notify_deliveries_uid_uq UNIQUE (delivery_uid),
    CONSTRAINT notify_deliveries_once_uq UNIQUE (event_id, integration_id),
    CONSTRAINT notify_deliveries_event_fk FOREIGN KEY (event_id) REFERENCES notify_events (id),
    CONSTRAINT notify_deliveries_integration_fk FOREIGN KEY (integration_id) REFERENCES integrations (id)
        ON DELETE CASCADE,
    CONSTRAINT notify_deliveries_status_ck CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED'))
);
CREATE INDEX notify_deliveries_due_ix ON notify_deliveries (status, next_attempt_at);
CREATE INDEX notify_deliveries_log_ix ON notify_deliveries (integration_id, id);

-- Agents already reported as gone quiet, at the last_seen they had: a new gap (after the agent
-- came back and went quiet again) has another last_seen and is reported again.
CREATE TABLE notify_agent_gaps (
    agent_id  BIGINT    NOT NULL,
    last_seen TIMESTAMP NOT NULL,
    CONSTRAINT notify_agent_gaps_pk PRIMARY KEY (agent_id)
);

-- The Jira issue created for an alert occurrence, and its status as last read from Jira.
CREATE TABLE jira_links (
    occurrence_id  BIGINT        NOT NULL,
    alert_id       BIGINT        NOT NULL,
    integration_id BIGINT        NOT NULL,
    issue_key      VARCHAR(100)  NOT NULL,
    issue_url      VARCHAR(2000) NOT NULL,
    status         VARCHAR(100),
    created_at     TIMESTAMP     NOT NULL,
    refreshed_at   TIMESTAMP,
    CONSTRAINT jira_links_pk PRIMARY KEY (occurrence_id, integration_id),
    CONSTRAINT jira_links_integration_fk FOREIGN KEY (integration_id) REFERENCES integrations (id)
        ON DELETE CASCADE
);
