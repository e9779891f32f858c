-- Integration clients: a client id and secret exchanged for a short-lived bearer token
-- (client_credentials). Only the SHA-256 of the secret is stored (it is 256 random bits, so a
-- fast hash suffices); the secret is shown once. A client acts with one team role in one team.
-- Audit rows gain the source address of the request that caused them, where there was one.
CREATE TABLE api_clients (
    id          BIGINT GENERATED ALWAYS AS IDENTITY,
    team_id     BIGINT       NOT NULL,
    name        VARCHAR(100) NOT NULL,
    client_id   VARCHAR(64)  NOT NULL,
    secret_hash CHAR(64)     NOT NULL,
    role        VARCHAR(16)  NOT NULL,
    created_at  TIMESTAMP    NOT NULL,
    created_by  VARCHAR(100) NOT NULL,
    revoked_at  TIMESTAMP,
    revoked_by  VARCHAR(100),
    CONSTRAINT api_clients_pk PRIMARY KEY (id),
    CONSTRAINT api_clients_team_fk FOREIGN KEY (team_id) REFERENCES teams (id),
    CONSTRAINT api_clients_client_id_uq UNIQUE (client_id),
    CONSTRAINT api_clients_role_ck CHECK (role IN ('TEAM_ADMIN', 'DEVELOPER', 'VIEWER'))
);

ALTER TABLE audit_log ADD COLUMN source_address VARCHAR(64);
