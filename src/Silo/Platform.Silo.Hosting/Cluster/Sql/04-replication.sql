-- Platform: replica incarnations of replica groups (the Replication block).
-- One row per replica grain ({namespace}/{generation}/{shard}/{replica}): the last incarnation handed out. A replica
-- that starts without its Raft state takes the next one (INSERT ... ON CONFLICT DO UPDATE ... RETURNING, atomic), so
-- no two activations ever share an incarnation and one that forgot its vote never votes under the old identity.
-- Idempotent: safe to apply any number of times, also by several silos at once (advisory lock).
BEGIN;
SELECT pg_advisory_xact_lock(735300101);

CREATE TABLE IF NOT EXISTS platform_replica_incarnations
(
    service_id  varchar(150) NOT NULL,
    replica_key varchar(300) NOT NULL,
    incarnation bigint       NOT NULL,
    PRIMARY KEY (service_id, replica_key)
);

COMMIT;
