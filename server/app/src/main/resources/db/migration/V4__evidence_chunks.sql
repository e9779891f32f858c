-- Evidence in chunks: one row per (alert, occurrence) per evaluation checkpoint instead of one
-- row per finding. A busy fleet raises thousands of findings a second; one Derby row each made
-- evidence writes most of the policy engine's cost. Every finding is still kept (grouping never
-- hides evidence): a chunk packs up to a few hundred of them (dev.telltale.alerts.EvidenceChunks)
-- in the order the engine evaluated them. No foreign keys, as before: only Alerts.record writes
-- here, with ids resolved in the same transaction.
DROP TABLE alert_evidence;

CREATE TABLE alert_evidence_chunks (
    id            BIGINT GENERATED ALWAYS AS IDENTITY,
    alert_id      BIGINT                    NOT NULL,
    occurrence_id BIGINT                    NOT NULL,
    entries       INTEGER                   NOT NULL,
    first_time    TIMESTAMP                 NOT NULL,
    last_time     TIMESTAMP                 NOT NULL,
    data          VARCHAR(32672) FOR BIT DATA NOT NULL,
    CONSTRAINT alert_evidence_chunks_pk PRIMARY KEY (id),
    CONSTRAINT alert_evidence_chunks_entries_ck CHECK (entries > 0)
);
-- Pages are most recently recorded first, per alert or per occurrence.
CREATE INDEX alert_evidence_chunks_alert_ix ON alert_evidence_chunks (alert_id, id DESC);
CREATE INDEX alert_evidence_chunks_occ_ix ON alert_evidence_chunks (occurrence_id, id DESC);
