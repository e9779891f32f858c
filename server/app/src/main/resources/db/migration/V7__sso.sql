-- Single sign-on through an OpenID Connect provider (decision 9).

-- The one provider's settings (a single row, id 1). The client secret is sealed with AES-GCM under
-- DATA/secrets/settings.key before it is stored; the clear value never reaches the database.
-- default_team_id/default_role: the access a signed-in user gets when none of their groups is
-- mapped; both NULL means no access until an Admin or a mapped group grants some.
CREATE TABLE sso_settings (
    id              INTEGER        NOT NULL,
    enabled         BOOLEAN        NOT NULL,
    issuer          VARCHAR(400),
    client_id       VARCHAR(255),
    client_secret   VARCHAR(2000),
    scopes          VARCHAR(1000)  NOT NULL,
    groups_claim    VARCHAR(100)   NOT NULL,
    username_claim  VARCHAR(100)   NOT NULL,
    trusted_ca_pem  VARCHAR(32000),
    default_team_id BIGINT,
    default_role    VARCHAR(16),
    updated_at      TIMESTAMP      NOT NULL,
    updated_by      VARCHAR(100)   NOT NULL,
    CONSTRAINT sso_settings_pk PRIMARY KEY (id),
    CONSTRAINT sso_settings_single_ck CHECK (id = 1),
    CONSTRAINT sso_settings_team_fk FOREIGN KEY (default_team_id) REFERENCES teams (id),
    CONSTRAINT sso_settings_default_ck CHECK ((default_team_id IS NULL AND default_role IS NULL)
        OR (default_team_id IS NOT NULL AND default_role IN ('TEAM_ADMIN', 'DEVELOPER', 'VIEWER')))
);

-- A provider group grants a role in a team; several groups may grant roles in one team (the
-- strongest applies).
CREATE TABLE sso_group_mappings (
    group_name VARCHAR(255) NOT NULL,
    team_id    BIGINT       NOT NULL,
    role       VARCHAR(16)  NOT NULL,
    CONSTRAINT sso_group_mappings_pk PRIMARY KEY (group_name, team_id),
    CONSTRAINT sso_group_mappings_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE,
    CONSTRAINT sso_group_mappings_role_ck CHECK (role IN ('TEAM_ADMIN', 'DEVELOPER', 'VIEWER'))
);

-- Members of these provider groups are organisation Admins.
CREATE TABLE sso_admin_groups (
    group_name VARCHAR(255) NOT NULL,
    CONSTRAINT sso_admin_groups_pk PRIMARY KEY (group_name)
);

-- A user who signs in through the provider, linked by the provider's (issuer, subject) and never
-- by name or e-mail. admin_granted: their organisation Admin role came from an admin group, so a
-- later sign-in without that group takes it away again (an Admin role given by hand stays).
CREATE TABLE external_identities (
    user_id       BIGINT       NOT NULL,
    issuer        VARCHAR(400) NOT NULL,
    subject       VARCHAR(255) NOT NULL,
    admin_granted BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at    TIMESTAMP    NOT NULL,
    last_login_at TIMESTAMP    NOT NULL,
    CONSTRAINT external_identities_pk PRIMARY KEY (user_id),
    CONSTRAINT external_identities_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT external_identities_subject_uq UNIQUE (issuer, subject)
);

-- Where a membership came from: MANUAL (an Admin or Team Admin, or the first start) or SSO (the
-- provider's groups at the last sign-in). Each sign-in replaces the SSO rows and never touches
-- MANUAL ones; changing a membership by hand makes it MANUAL.
ALTER TABLE team_members ADD COLUMN source VARCHAR(8) NOT NULL DEFAULT 'MANUAL';
ALTER TABLE team_members ADD CONSTRAINT team_members_source_ck CHECK (source IN ('MANUAL', 'SSO'));
