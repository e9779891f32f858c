-- When an agent last connected with each run token (written at most once a minute per token).
ALTER TABLE run_tokens ADD COLUMN last_used_at TIMESTAMP;
