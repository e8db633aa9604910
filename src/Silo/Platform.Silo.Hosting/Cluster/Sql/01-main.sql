-- Platform: the query table Orleans' ADO.NET providers read their SQL from.
-- Idempotent: safe to apply any number of times, also by several silos at once (advisory lock).
BEGIN;
SELECT pg_advisory_xact_lock(735300101);

-- The providers run exactly "SELECT QueryKey, QueryText FROM OrleansQuery" at start and then only the texts here.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL PRIMARY KEY,
    QueryText varchar(8000) NOT NULL
);

-- Which schema scripts have been applied (for operators; the providers never read it).
CREATE TABLE IF NOT EXISTS platform_schema_version
(
    script     varchar(64) NOT NULL PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO platform_schema_version (script) VALUES ('01-main') ON CONFLICT (script) DO UPDATE SET applied_at = now();
COMMIT;
