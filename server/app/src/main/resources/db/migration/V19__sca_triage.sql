-- Triage of vulnerability findings (package dev.telltale.sca). A finding is triaged by what it is
-- about: application, component, package and advisory (tkey), not by version, so a decision
-- carries over to the component's other versions and survives the rescans that replace rows.
-- Findings that raised an alert are triaged on the alert instead.
ALTER TABLE sca_findings ADD COLUMN tkey CHAR(64);
CREATE INDEX sca_findings_tkey_ix ON sca_findings (team_id, tkey);

CREATE TABLE sca_triage (
    team_id    BIGINT        NOT NULL,
    tkey       CHAR(64)      NOT NULL,
    state      VARCHAR(16)   NOT NULL,
    expires_at TIMESTAMP,
    updated_at TIMESTAMP     NOT NULL,
    updated_by VARCHAR(256)  NOT NULL,
    CONSTRAINT sca_triage_pk PRIMARY KEY (team_id, tkey),
    CONSTRAINT sca_triage_team_fk FOREIGN KEY (team_id) REFERENCES teams (id)
);

CREATE TABLE sca_triage_history (
    id         BIGINT GENERATED ALWAYS AS IDENTITY,
    team_id    BIGINT        NOT NULL,
    tkey       CHAR(64)      NOT NULL,
    changed_at TIMESTAMP     NOT NULL,
    actor      VARCHAR(256)  NOT NULL,
    from_state VARCHAR(16)   NOT NULL,
    to_state   VARCHAR(16)   NOT NULL,
    expires_at TIMESTAMP,
    comment    VARCHAR(4000),
    CONSTRAINT sca_triage_history_pk PRIMARY KEY (id),
    CONSTRAINT sca_triage_history_team_fk FOREIGN KEY (team_id) REFERENCES teams (id)
);
CREATE INDEX sca_triage_history_ix ON sca_triage_history (team_id, tkey, id);
