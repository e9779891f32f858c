-- Runtime inventory (package dev.telltale.sbom, docs/decisions/0013-runtime-inventory.md).
--  * Written by the policy engine's checkpoint transaction, so each journal record counts once.
--    Every counting row keeps last_uid, the newest event id it includes: a batch applies to a row
--    only when its events are newer, so writing the same batch twice changes nothing.
--  * Paths and package identities can be long; unique keys are on their SHA-256 (CHAR(64)).
--    path_key hashes the path with the /usr merge undone (/usr/lib/x -> /lib/x), so a library
--    the loader found under /usr/lib matches a dpkg file list that says /lib, and back.
--  * Bounded: the recorder caps packages, loaded files and runtime facts per version.

CREATE TABLE inv_versions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY,
    team_id     BIGINT        NOT NULL,
    application VARCHAR(256)  NOT NULL,
    component   VARCHAR(256)  NOT NULL,
    version     VARCHAR(256)  NOT NULL,
    os_name     VARCHAR(256),
    os_version  VARCHAR(256),
    ecosystem   VARCHAR(64),
    hostname    VARCHAR(256),
    updated_at  TIMESTAMP     NOT NULL,
    CONSTRAINT inv_versions_pk PRIMARY KEY (id),
    CONSTRAINT inv_versions_team_fk FOREIGN KEY (team_id) REFERENCES teams (id),
    CONSTRAINT inv_versions_uq UNIQUE (team_id, application, component, version)
);

-- OS packages from host_env (one row per manager, name and architecture; the newest report wins).
CREATE TABLE inv_packages (
    version_id     BIGINT         NOT NULL,
    pkey           CHAR(64)       NOT NULL,
    manager        VARCHAR(16)    NOT NULL,
    name           VARCHAR(512)   NOT NULL,
    pkg_version    VARCHAR(256)   NOT NULL,
    arch           VARCHAR(64),
    source_package VARCHAR(512),
    licence        VARCHAR(1024),
    purl           VARCHAR(2048)  NOT NULL,
    ecosystem      VARCHAR(64),
    files_digest   CHAR(64)       NOT NULL,
    last_uid       BIGINT         NOT NULL,
    CONSTRAINT inv_packages_pk PRIMARY KEY (version_id, pkey),
    CONSTRAINT inv_packages_version_fk FOREIGN KEY (version_id) REFERENCES inv_versions (id) ON DELETE CASCADE
);

-- The loadable files (.so) of each package, from its manager's file list.
CREATE TABLE inv_package_files (
    version_id BIGINT          NOT NULL,
    path_key   CHAR(64)        NOT NULL,
    pkey       CHAR(64)        NOT NULL,
    path       VARCHAR(4096)   NOT NULL,
    CONSTRAINT inv_package_files_pk PRIMARY KEY (version_id, path_key, pkey),
    CONSTRAINT inv_package_files_pkg_fk FOREIGN KEY (version_id, pkey) REFERENCES inv_packages (version_id, pkey)
        ON DELETE CASCADE
);

-- Files loaded at run time (dependency events): shared objects, jars, Python and Node packages.
CREATE TABLE inv_loaded (
    version_id   BIGINT          NOT NULL,
    path_key     CHAR(64)        NOT NULL,
    path         VARCHAR(4096)   NOT NULL,
    sha256       CHAR(64),
    language     VARCHAR(32),
    name         VARCHAR(512),
    dep_version  VARCHAR(256),
    purl         VARCHAR(1024),
    load_kind    VARCHAR(32),
    load_count   BIGINT          NOT NULL,
    first_loaded TIMESTAMP       NOT NULL,
    last_loaded  TIMESTAMP       NOT NULL,
    last_uid     BIGINT          NOT NULL,
    CONSTRAINT inv_loaded_pk PRIMARY KEY (version_id, path_key),
    CONSTRAINT inv_loaded_version_fk FOREIGN KEY (version_id) REFERENCES inv_versions (id) ON DELETE CASCADE,
    CONSTRAINT inv_loaded_count_ck CHECK (load_count > 0)
);

-- The executables of the processes that loaded each file (bounded per file by the recorder).
CREATE TABLE inv_loaded_by (
    version_id BIGINT          NOT NULL,
    path_key   CHAR(64)        NOT NULL,
    exe_key    CHAR(64)        NOT NULL,
    exe        VARCHAR(4096)   NOT NULL,
    CONSTRAINT inv_loaded_by_pk PRIMARY KEY (version_id, path_key, exe_key),
    CONSTRAINT inv_loaded_by_file_fk FOREIGN KEY (version_id, path_key) REFERENCES inv_loaded (version_id, path_key)
        ON DELETE CASCADE
);

-- Dynamic facts: kind 'process' (executable), 'listen' (address:port), 'connect' (host:port).
CREATE TABLE inv_runtime (
    version_id BIGINT          NOT NULL,
    kind       VARCHAR(16)     NOT NULL,
    detail_key CHAR(64)        NOT NULL,
    detail     VARCHAR(1024)   NOT NULL,
    seen_count BIGINT          NOT NULL,
    first_seen TIMESTAMP       NOT NULL,
    last_seen  TIMESTAMP       NOT NULL,
    last_uid   BIGINT          NOT NULL,
    CONSTRAINT inv_runtime_pk PRIMARY KEY (version_id, kind, detail_key),
    CONSTRAINT inv_runtime_version_fk FOREIGN KEY (version_id) REFERENCES inv_versions (id) ON DELETE CASCADE,
    CONSTRAINT inv_runtime_kind_ck CHECK (kind IN ('process', 'listen', 'connect')),
    CONSTRAINT inv_runtime_count_ck CHECK (seen_count > 0)
);
