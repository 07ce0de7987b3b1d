-- One row per finished request. Portable SQL: the store replaces @ID_PRIMARY_KEY@ with
-- the driver's auto-increment key (INTEGER PRIMARY KEY on SQLite, an identity column on
-- PostgreSQL), because that is the one column no single spelling covers.
-- Comments are stripped, then statements are split on ';': keep ';' out of string literals.
CREATE TABLE usage (
    id @ID_PRIMARY_KEY@,
    time_ms BIGINT NOT NULL,
    access_key TEXT NOT NULL,
    requested_model TEXT NOT NULL,
    provider TEXT NOT NULL,
    upstream_model TEXT NOT NULL,
    status INTEGER NOT NULL,
    prompt_tokens BIGINT NOT NULL,
    completion_tokens BIGINT NOT NULL,
    cached_tokens BIGINT NOT NULL,
    reasoning_tokens BIGINT NOT NULL,
    latency_ms BIGINT NOT NULL,
    first_token_ms BIGINT,
    stream SMALLINT NOT NULL,
    error TEXT
);

-- Usage pages filter by time range and by access key.
CREATE INDEX usage_time_ms_idx ON usage (time_ms);
CREATE INDEX usage_access_key_idx ON usage (access_key);
