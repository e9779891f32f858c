-- Core relational state. Conventions:
--  * TIMESTAMP columns hold UTC wall-clock time (written by the application, see dev.telltale.db.Sql).
--  * Names of things a user creates are unique within their parent, enforced here so
--    concurrent creators are caught by the database rather than by a check-then-insert.
--  * Plain SQL that also runs on PostgreSQL where practical (IDENTITY, BOOLEAN, FOREIGN KEY).

CREATE TABLE organisations (
    id   BIGINT GENERATED ALWAYS AS IDENTITY,
    name VARCHAR(200) NOT NULL,
    CONSTRAINT organisations_pk PRIMARY KEY (id),
    CONSTRAINT organisations_name_uq UNIQUE (name)
);

CREATE TABLE teams (
    id              BIGINT GENERATED ALWAYS AS IDENTITY,
    organisation_id BIGINT       NOT NULL,
    name            VARCHAR(100) NOT NULL,
    CONSTRAINT teams_pk PRIMARY KEY (id),
    CONSTRAINT teams_org_fk FOREIGN KEY (organisation_id) REFERENCES organisations (id),
    CONSTRAINT teams_org_name_uq UNIQUE (organisation_id, name)
);

-- One appliance serves one organisation; its first team is where the initial admin lands.
INSERT INTO organisations (name) VALUES ('default');
INSERT INTO teams (organisation_id, name) SELECT id, 'default' FROM organisations WHERE name = 'default';

CREATE TABLE users (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY,
    username             VARCHAR(100) NOT NULL,
    password_hash        VARCHAR(255) NOT NULL,
    is_admin             BOOLEAN      NOT NULL DEFAULT FALSE,
    must_change_password BOOLEAN      NOT NULL DEFAULT FALSE,
    failed_logins        INTEGER      NOT NULL DEFAULT 0,
    locked_until         TIMESTAMP,
    created_at           TIMESTAMP    NOT NULL,
    last_login_at        TIMESTAMP,
    CONSTRAINT users_pk PRIMARY KEY (id),
    CONSTRAINT users_username_uq UNIQUE (username),
    CONSTRAINT users_failed_logins_ck CHECK (failed_logins >= 0)
);

CREATE TABLE team_members (
    user_id BIGINT      NOT NULL,
    team_id BIGINT      NOT NULL,
    role    VARCHAR(16) NOT NULL,
    CONSTRAINT team_members_pk PRIMARY KEY (user_id, team_id),
    CONSTRAINT team_members_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT team_members_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE,
    CONSTRAINT team_members_role_ck CHECK (role IN ('TEAM_ADMIN', 'DEVELOPER', 'VIEWER'))
);

CREATE TABLE applications (
    id         BIGINT GENERATED ALWAYS AS IDENTITY,
    team_id    BIGINT       NOT NULL,
    name       VARCHAR(200) NOT NULL,
    created_at TIMESTAMP    NOT NULL,
    CONSTRAINT applications_pk PRIMARY KEY (id),
    CONSTRAINT applications_team_fk FOREIGN KEY (team_id) REFERENCES teams (id),
    CONSTRAINT applications_team_name_uq UNIQUE (team_id, name)
);

CREATE TABLE components (
    id             BIGINT GENERATED ALWAYS AS IDENTITY,
    application_id BIGINT       NOT NULL,
    name           VARCHAR(200) NOT NULL,
    created_at     TIMESTAMP    NOT NULL,
    CONSTRAINT components_pk PRIMARY KEY (id),
    CONSTRAINT components_app_fk FOREIGN KEY (application_id) REFERENCES applications (id),
    CONSTRAINT components_app_name_uq UNIQUE (application_id, name)
);

CREATE TABLE component_versions (
    id           BIGINT GENERATED ALWAYS AS IDENTITY,
    component_id BIGINT       NOT NULL,
    version      VARCHAR(100) NOT NULL,
    created_at   TIMESTAMP    NOT NULL,
    CONSTRAINT component_versions_pk PRIMARY KEY (id),
    CONSTRAINT component_versions_comp_fk FOREIGN KEY (component_id) REFERENCES components (id),
    CONSTRAINT component_versions_comp_ver_uq UNIQUE (component_id, version)
);

CREATE TABLE agents (
    id             BIGINT GENERATED ALWAYS AS IDENTITY,
    team_id        BIGINT       NOT NULL,
    instance       VARCHAR(200) NOT NULL,
    kind           VARCHAR(32)  NOT NULL,
    agent_version  VARCHAR(64)  NOT NULL,
    hostname       VARCHAR(255) NOT NULL,
    application_id BIGINT       NOT NULL,
    component_id   BIGINT       NOT NULL,
    version_id     BIGINT       NOT NULL,
    first_seen     TIMESTAMP    NOT NULL,
    last_seen      TIMESTAMP    NOT NULL,
    CONSTRAINT agents_pk PRIMARY KEY (id),
    CONSTRAINT agents_team_fk FOREIGN KEY (team_id) REFERENCES teams (id),
    CONSTRAINT agents_app_fk FOREIGN KEY (application_id) REFERENCES applications (id),
    CONSTRAINT agents_comp_fk FOREIGN KEY (component_id) REFERENCES components (id),
    CONSTRAINT agents_ver_fk FOREIGN KEY (version_id) REFERENCES component_versions (id),
    CONSTRAINT agents_team_instance_uq UNIQUE (team_id, instance)
);

-- Only the SHA-256 of a run token is stored; prefix is a short, non-secret piece for lists.
CREATE TABLE run_tokens (
    id         BIGINT GENERATED ALWAYS AS IDENTITY,
    team_id    BIGINT       NOT NULL,
    name       VARCHAR(100) NOT NULL,
    token_hash CHAR(64)     NOT NULL,
    prefix     VARCHAR(16)  NOT NULL,
    created_at TIMESTAMP    NOT NULL,
    created_by VARCHAR(100) NOT NULL,
    expires_at TIMESTAMP,
    revoked_at TIMESTAMP,
    revoked_by VARCHAR(100),
    CONSTRAINT run_tokens_pk PRIMARY KEY (id),
    CONSTRAINT run_tokens_team_fk FOREIGN KEY (team_id) REFERENCES teams (id),
    CONSTRAINT run_tokens_hash_uq UNIQUE (token_hash),
    CONSTRAINT run_tokens_revoked_ck CHECK ((revoked_at IS NULL AND revoked_by IS NULL)
                                         OR (revoked_at IS NOT NULL AND revoked_by IS NOT NULL))
);

-- Append-only record of security-relevant actions. The time column is occurred_at, not "at":
-- AT is a reserved word in Derby and would need quoting in every statement.
CREATE TABLE audit_log (
    id          BIGINT GENERATED ALWAYS AS IDENTITY,
    occurred_at TIMESTAMP     NOT NULL,
    actor       VARCHAR(100)  NOT NULL,
    action      VARCHAR(64)   NOT NULL,
    target      VARCHAR(200),
    detail      VARCHAR(2000),
    CONSTRAINT audit_log_pk PRIMARY KEY (id)
);
CREATE INDEX audit_log_occurred_at_ix ON audit_log (occurred_at);
