-- The vulnerability database: OSV advisories imported offline (zip upload or a directory).
-- Child rows are keyed by the advisory id and their position in the record, so an advisory is
-- replaced by deleting it (the children cascade) and inserting it again in one batch.
CREATE TABLE vuln_advisories (
    id          VARCHAR(128)  NOT NULL,
    modified    TIMESTAMP     NOT NULL,
    published   TIMESTAMP,
    summary     VARCHAR(1000),
    details     CLOB(1M),
    cvss_vector VARCHAR(255),
    cvss_score  DECIMAL(3, 1),
    severity    VARCHAR(16)   NOT NULL,
    imported_at TIMESTAMP     NOT NULL,
    CONSTRAINT vuln_advisories_pk PRIMARY KEY (id)
);

CREATE TABLE vuln_aliases (
    advisory_id VARCHAR(128) NOT NULL,
    alias       VARCHAR(128) NOT NULL,
    CONSTRAINT vuln_aliases_pk PRIMARY KEY (advisory_id, alias),
    CONSTRAINT vuln_aliases_advisory FOREIGN KEY (advisory_id) REFERENCES vuln_advisories (id) ON DELETE CASCADE
);
CREATE INDEX vuln_aliases_alias ON vuln_aliases (alias);

-- One row per affected package; name is normalised per ecosystem (see PackageNames).
CREATE TABLE vuln_affected (
    advisory_id VARCHAR(128) NOT NULL,
    idx         INT          NOT NULL,
    ecosystem   VARCHAR(64)  NOT NULL,
    name        VARCHAR(255) NOT NULL,
    purl        VARCHAR(512),
    CONSTRAINT vuln_affected_pk PRIMARY KEY (advisory_id, idx),
    CONSTRAINT vuln_affected_advisory FOREIGN KEY (advisory_id) REFERENCES vuln_advisories (id) ON DELETE CASCADE
);
CREATE INDEX vuln_affected_package ON vuln_affected (ecosystem, name);

CREATE TABLE vuln_ranges (
    advisory_id  VARCHAR(128) NOT NULL,
    affected_idx INT          NOT NULL,
    idx          INT          NOT NULL,
    range_type   VARCHAR(16)  NOT NULL,
    repo         VARCHAR(512),
    CONSTRAINT vuln_ranges_pk PRIMARY KEY (advisory_id, affected_idx, idx),
    CONSTRAINT vuln_ranges_affected FOREIGN KEY (advisory_id, affected_idx)
        REFERENCES vuln_affected (advisory_id, idx) ON DELETE CASCADE
);

CREATE TABLE vuln_events (
    advisory_id  VARCHAR(128) NOT NULL,
    affected_idx INT          NOT NULL,
    range_idx    INT          NOT NULL,
    idx          INT          NOT NULL,
    kind         VARCHAR(16)  NOT NULL,
    version      VARCHAR(255) NOT NULL,
    CONSTRAINT vuln_events_pk PRIMARY KEY (advisory_id, affected_idx, range_idx, idx),
    CONSTRAINT vuln_events_range FOREIGN KEY (advisory_id, affected_idx, range_idx)
        REFERENCES vuln_ranges (advisory_id, affected_idx, idx) ON DELETE CASCADE
);

CREATE TABLE vuln_versions (
    advisory_id  VARCHAR(128) NOT NULL,
    affected_idx INT          NOT NULL,
    idx          INT          NOT NULL,
    version      VARCHAR(255) NOT NULL,
    CONSTRAINT vuln_versions_pk PRIMARY KEY (advisory_id, affected_idx, idx),
    CONSTRAINT vuln_versions_affected FOREIGN KEY (advisory_id, affected_idx)
        REFERENCES vuln_affected (advisory_id, idx) ON DELETE CASCADE
);

-- Import jobs: progress while running, and the outcome (the database's last import time).
CREATE TABLE vuln_imports (
    id              BIGINT GENERATED ALWAYS AS IDENTITY,
    source          VARCHAR(16)   NOT NULL,
    actor           VARCHAR(100)  NOT NULL,
    state           VARCHAR(16)   NOT NULL,
    total           INT           NOT NULL,
    processed       INT           NOT NULL,
    imported        INT           NOT NULL,
    skipped         INT           NOT NULL,
    removed         INT           NOT NULL,
    invalid         INT           NOT NULL,
    invalid_samples VARCHAR(4000),
    error           VARCHAR(1000),
    created_at      TIMESTAMP     NOT NULL,
    finished_at     TIMESTAMP,
    CONSTRAINT vuln_imports_pk PRIMARY KEY (id)
);
