-- Answered from OneGate's response cache: no provider was called and nothing was
-- spent (provider and upstream_model are empty, the token counts 0).
ALTER TABLE usage ADD COLUMN cache_hit SMALLINT NOT NULL DEFAULT 0;
