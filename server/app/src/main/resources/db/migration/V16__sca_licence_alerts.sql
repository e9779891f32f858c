-- Licence violations already raised as alerts (package dev.telltale.sca): a scan raises an alert
-- for a denied licence once per component version and package, not at every scan.
CREATE TABLE sca_licence_alerts (
    team_id   BIGINT    NOT NULL,
    lkey      CHAR(64)  NOT NULL,
    raised_at TIMESTAMP NOT NULL,
    CONSTRAINT sca_licence_alerts_pk PRIMARY KEY (team_id, lkey),
    CONSTRAINT sca_licence_alerts_team_fk FOREIGN KEY (team_id) REFERENCES teams (id)
);
