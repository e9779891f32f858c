-- CycloneDX SBOMs imported for a component version (from CI scanners such as Syft or cdxgen):
-- one import per version (a re-import replaces it) and the components it listed. Exports merge
-- these with what the agents saw at run time.
CREATE TABLE sbom_imports (
    id            BIGINT GENERATED ALWAYS AS IDENTITY,
    version_id    BIGINT        NOT NULL,
    tool          VARCHAR(300)  NOT NULL,
    format        VARCHAR(20)   NOT NULL,
    spec_version  VARCHAR(10)   NOT NULL,
    serial_number VARCHAR(200),
    imported_by   VARCHAR(100)  NOT NULL,
    imported_at   TIMESTAMP     NOT NULL,
    CONSTRAINT sbom_imports_pk PRIMARY KEY (id),
    CONSTRAINT sbom_imports_version_fk FOREIGN KEY (version_id) REFERENCES component_versions (id) ON DELETE CASCADE,
    CONSTRAINT sbom_imports_version_uq UNIQUE (version_id)
);

CREATE TABLE sbom_import_components (
    import_id BIGINT         NOT NULL,
    position  INT            NOT NULL,
    type      VARCHAR(32)    NOT NULL,
    purl      VARCHAR(2000),
    grp       VARCHAR(500),
    name      VARCHAR(500)   NOT NULL,
    version   VARCHAR(200),
    -- JSON: an array of licence ids, names or expressions; an object of algorithm to hex.
    licences  VARCHAR(4000)  NOT NULL,
    hashes    VARCHAR(2000)  NOT NULL,
    CONSTRAINT sbom_import_components_pk PRIMARY KEY (import_id, position),
    CONSTRAINT sbom_import_components_import_fk FOREIGN KEY (import_id) REFERENCES sbom_imports (id) ON DELETE CASCADE
);
