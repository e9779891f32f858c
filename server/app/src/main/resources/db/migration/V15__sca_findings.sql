-- Vulnerability findings (package dev.telltale.sca): one row per component version, package and
-- advisory, refreshed by each scan. A finding that no longer matches (package upgraded, advisory
-- withdrawn) is deleted; its alert, if one was raised, stays with its triage history.
CREATE TABLE sca_findings (
    id              BIGINT GENERATED ALWAYS AS IDENTITY,
    team_id         BIGINT         NOT NULL,
    application     VARCHAR(256)   NOT NULL,
    component       VARCHAR(256)   NOT NULL,
    version         VARCHAR(256)   NOT NULL,
    fkey            CHAR(64)       NOT NULL,
    purl            VARCHAR(2048)  NOT NULL,
    package_name    VARCHAR(512)   NOT NULL,
    package_version VARCHAR(256)   NOT NULL,
    ecosystem       VARCHAR(64)    NOT NULL,
    advisory_id     VARCHAR(128)   NOT NULL,
    aliases         VARCHAR(2048)  NOT NULL,
    summary         VARCHAR(1000)  NOT NULL,
    cvss_score      DOUBLE,
    cvss_vector     VARCHAR(256),
    severity        VARCHAR(16)    NOT NULL,
    fixed_versions  VARCHAR(1024)  NOT NULL,
    loaded          BOOLEAN        NOT NULL,
    alerted         BOOLEAN        NOT NULL DEFAULT FALSE,
    first_found     TIMESTAMP      NOT NULL,
    last_scanned    TIMESTAMP      NOT NULL,
    CONSTRAINT sca_findings_pk PRIMARY KEY (id),
    CONSTRAINT sca_findings_team_fk FOREIGN KEY (team_id) REFERENCES teams (id),
    CONSTRAINT sca_findings_uq UNIQUE (team_id, fkey)
);
CREATE INDEX sca_findings_version_ix ON sca_findings (team_id, application, component, version);
