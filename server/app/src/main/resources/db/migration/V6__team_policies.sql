-- Custom policies may belong to a team (its Team Admins manage them; only its applications and
-- agents use them). NULL: organisation-wide (the built-ins, and policies organisation Admins make).
ALTER TABLE policies ADD COLUMN team_id BIGINT;
ALTER TABLE policies ADD CONSTRAINT policies_team_fk FOREIGN KEY (team_id) REFERENCES teams (id);
