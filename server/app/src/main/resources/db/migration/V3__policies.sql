-- Policies: which rules run, at what severity, with which parameters. The built-in policies
-- are rows too (so applications can reference them) but their rule settings come from the
-- code's rule catalogue and cannot be changed; custom policies store one row per rule they
-- override (absent rows take the settings of the policy they were cloned from, recorded in
-- based_on, at the time of cloning: the clone copies them, see dev.telltale.policy).

CREATE TABLE policies (
    id          BIGINT GENERATED ALWAYS AS IDENTITY,
    name        VARCHAR(100)  NOT NULL,
    description VARCHAR(1000) NOT NULL DEFAULT '',
    built_in    BOOLEAN       NOT NULL DEFAULT FALSE,
    based_on    VARCHAR(100),
    revision    INTEGER       NOT NULL DEFAULT 1,
    created_at  TIMESTAMP     NOT NULL,
    created_by  VARCHAR(100)  NOT NULL,
    updated_at  TIMESTAMP     NOT NULL,
    updated_by  VARCHAR(100)  NOT NULL,
    CONSTRAINT policies_pk PRIMARY KEY (id),
    CONSTRAINT policies_name_uq UNIQUE (name)
);

CREATE TABLE policy_rules (
    policy_id BIGINT         NOT NULL,
    rule_id   VARCHAR(64)    NOT NULL,
    enabled   BOOLEAN        NOT NULL,
    severity  VARCHAR(2)     NOT NULL,
    params    VARCHAR(32000) NOT NULL,
    CONSTRAINT policy_rules_pk PRIMARY KEY (policy_id, rule_id),
    CONSTRAINT policy_rules_policy_fk FOREIGN KEY (policy_id) REFERENCES policies (id) ON DELETE CASCADE,
    CONSTRAINT policy_rules_severity_ck CHECK (severity IN ('P1', 'P2', 'P3', 'P4'))
);

-- At most one row per application; none means "the default policy".
CREATE TABLE application_policies (
    application_id BIGINT       NOT NULL,
    policy_id      BIGINT       NOT NULL,
    assigned_at    TIMESTAMP    NOT NULL,
    assigned_by    VARCHAR(100) NOT NULL,
    CONSTRAINT application_policies_pk PRIMARY KEY (application_id),
    CONSTRAINT application_policies_app_fk FOREIGN KEY (application_id) REFERENCES applications (id) ON DELETE CASCADE,
    CONSTRAINT application_policies_policy_fk FOREIGN KEY (policy_id) REFERENCES policies (id)
);

-- Single-row settings of the policy engine: the default policy.
CREATE TABLE policy_settings (
    id                BIGINT NOT NULL,
    default_policy_id BIGINT NOT NULL,
    CONSTRAINT policy_settings_pk PRIMARY KEY (id),
    CONSTRAINT policy_settings_one_ck CHECK (id = 1),
    CONSTRAINT policy_settings_policy_fk FOREIGN KEY (default_policy_id) REFERENCES policies (id)
);

INSERT INTO policies (name, description, built_in, revision, created_at, created_by, updated_at, updated_by)
VALUES ('Standard', 'High-signal rules at their default severities.', TRUE, 1, CURRENT_TIMESTAMP, 'system',
        CURRENT_TIMESTAMP, 'system');
INSERT INTO policies (name, description, built_in, revision, created_at, created_by, updated_at, updated_by)
VALUES ('Max Alert', 'Every rule enabled, for audits and first looks at a new application.', TRUE, 1,
        CURRENT_TIMESTAMP, 'system', CURRENT_TIMESTAMP, 'system');
INSERT INTO policy_settings (id, default_policy_id) SELECT 1, id FROM policies WHERE name = 'Standard';

-- Where the policy engine has evaluated the journal up to, committed in the same transaction
-- as the alerts it produced, with the engine's per-process state at that point.
CREATE TABLE evaluation_checkpoint (
    id               BIGINT    NOT NULL,
    journal_position BIGINT    NOT NULL,
    process_state    BLOB(64M) NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    CONSTRAINT evaluation_checkpoint_pk PRIMARY KEY (id),
    CONSTRAINT evaluation_checkpoint_one_ck CHECK (id = 1)
);
