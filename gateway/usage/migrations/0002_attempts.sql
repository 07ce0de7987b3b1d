-- The router (failover and retries) makes several upstream calls for one request:
-- how many it made. provider and upstream_model already name the route that answered
-- (or failed last). Rows from before the router made exactly one call.
ALTER TABLE usage ADD COLUMN attempts INTEGER NOT NULL DEFAULT 1;
