-- Platform: cluster membership for Orleans' ADO.NET clustering provider (Microsoft.Orleans.Clustering.AdoNet 10.4.2).
-- The contract (query keys, parameter names, result column names) is Orleans'; the tables and SQL are ours.
-- One version row per cluster (DeploymentId = ClusterId) acts as the optimistic-concurrency token of the whole
-- table: every membership change bumps it, and a change made against a stale version is refused.
-- Idempotent: safe to apply any number of times, also by several silos at once (advisory lock).
BEGIN;
SELECT pg_advisory_xact_lock(735300101);

CREATE TABLE IF NOT EXISTS platform_membership_version
(
    deployment_id varchar(150)   NOT NULL PRIMARY KEY,
    changed_at    timestamptz(3) NOT NULL DEFAULT now(),
    version       integer        NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS platform_membership
(
    deployment_id  varchar(150)   NOT NULL REFERENCES platform_membership_version (deployment_id),
    address        varchar(45)    NOT NULL,
    port           integer        NOT NULL,
    generation     integer        NOT NULL,
    silo_name      varchar(150)   NOT NULL,
    host_name      varchar(150)   NOT NULL,
    status         integer        NOT NULL,
    proxy_port     integer        NULL,
    suspect_times  varchar(8000)  NULL,
    start_time     timestamptz(3) NOT NULL,
    i_am_alive     timestamptz(3) NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

-- Creates the cluster's version row once; 1 when it was created now, 0 when it existed.
CREATE OR REPLACE FUNCTION platform_membership_version_insert(p_deployment varchar)
RETURNS integer LANGUAGE plpgsql AS
$$
DECLARE
    n integer;
BEGIN
    INSERT INTO platform_membership_version (deployment_id) VALUES (p_deployment)
    ON CONFLICT (deployment_id) DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- Adds a silo's row if the table is still at p_version: 1 on success; 0 (and nothing changed) otherwise.
CREATE OR REPLACE FUNCTION platform_membership_insert(
    p_deployment varchar, p_address varchar, p_port integer, p_generation integer,
    p_silo_name varchar, p_host_name varchar, p_status integer, p_proxy_port integer,
    p_start_time timestamptz, p_i_am_alive timestamptz, p_version integer)
RETURNS integer LANGUAGE plpgsql AS
$$
DECLARE
    n integer;
BEGIN
    UPDATE platform_membership_version
       SET version = version + 1, changed_at = now()
     WHERE deployment_id = p_deployment AND version = p_version AND version < 2147483647;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n = 0 THEN
        RETURN 0;
    END IF;

    BEGIN
        INSERT INTO platform_membership
            (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive)
        VALUES
            (p_deployment, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status, p_proxy_port, p_start_time, p_i_am_alive);
    EXCEPTION WHEN unique_violation THEN
        -- The row exists already: undo the version bump by failing the whole call.
        RAISE EXCEPTION 'platform: membership row exists' USING ERRCODE = 'P0001';
    END;
    RETURN 1;
EXCEPTION WHEN SQLSTATE 'P0001' THEN
    RETURN 0;
END
$$;

-- Changes a silo's row if the table is still at p_version: 1 on success; 0 (and nothing changed) otherwise.
CREATE OR REPLACE FUNCTION platform_membership_update(
    p_deployment varchar, p_address varchar, p_port integer, p_generation integer,
    p_status integer, p_suspect_times varchar, p_i_am_alive timestamptz, p_version integer)
RETURNS integer LANGUAGE plpgsql AS
$$
DECLARE
    n integer;
BEGIN
    UPDATE platform_membership_version
       SET version = version + 1, changed_at = now()
     WHERE deployment_id = p_deployment AND version = p_version AND version < 2147483647;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n = 0 THEN
        RETURN 0;
    END IF;

    UPDATE platform_membership
       SET status = p_status,
           suspect_times = p_suspect_times,
           i_am_alive = GREATEST(i_am_alive, p_i_am_alive)
     WHERE deployment_id = p_deployment AND address = p_address AND port = p_port AND generation = p_generation;
    GET DIAGNOSTICS n = ROW_COUNT;
    IF n = 0 THEN
        RAISE EXCEPTION 'platform: no membership row' USING ERRCODE = 'P0001';
    END IF;
    RETURN 1;
EXCEPTION WHEN SQLSTATE 'P0001' THEN
    RETURN 0;
END
$$;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('InsertMembershipVersionKey',
 'SELECT platform_membership_version_insert(@DeploymentId) AS Result;'),

('InsertMembershipKey',
 'SELECT platform_membership_insert(@DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
      @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version::integer) AS Result;'),

('UpdateMembershipKey',
 'SELECT platform_membership_update(@DeploymentId, @Address, @Port, @Generation,
      @Status, @SuspectTimes, @IAmAliveTime, @Version::integer) AS Result;'),

-- A heartbeat: never refused, never moves the time backwards, does not bump the table version.
('UpdateIAmAlivetimeKey',
 'UPDATE platform_membership SET i_am_alive = GREATEST(i_am_alive, @IAmAliveTime)
   WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation;'),

-- The version row always comes back (LEFT JOIN), with the silo''s row when it exists.
('MembershipReadRowKey',
 'SELECT v.deployment_id AS DeploymentId, m.address AS Address, m.port AS Port, m.generation AS Generation,
         m.silo_name AS SiloName, m.host_name AS HostName, m.status AS Status, m.proxy_port AS ProxyPort,
         m.suspect_times AS SuspectTimes, m.start_time AS StartTime, m.i_am_alive AS IAmAliveTime,
         v.version AS Version
    FROM platform_membership_version v
    LEFT JOIN platform_membership m
      ON m.deployment_id = v.deployment_id AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
   WHERE v.deployment_id = @DeploymentId;'),

('MembershipReadAllKey',
 'SELECT v.deployment_id AS DeploymentId, m.address AS Address, m.port AS Port, m.generation AS Generation,
         m.silo_name AS SiloName, m.host_name AS HostName, m.status AS Status, m.proxy_port AS ProxyPort,
         m.suspect_times AS SuspectTimes, m.start_time AS StartTime, m.i_am_alive AS IAmAliveTime,
         v.version AS Version
    FROM platform_membership_version v
    LEFT JOIN platform_membership m ON m.deployment_id = v.deployment_id
   WHERE v.deployment_id = @DeploymentId;'),

('DeleteMembershipTableEntriesKey',
 'DELETE FROM platform_membership WHERE deployment_id = @DeploymentId;
  DELETE FROM platform_membership_version WHERE deployment_id = @DeploymentId;'),

-- Gateways clients may connect to: silos with the given status (Active) that expose a gateway port.
('GatewaysQueryKey',
 'SELECT address AS Address, proxy_port AS ProxyPort, generation AS Generation
    FROM platform_membership
   WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0;'),

-- Bulk clean-up of long-dead silos (status 6 = Dead) with no recent suspicion.
('CleanupDefunctSiloEntriesKey',
 'DELETE FROM platform_membership
   WHERE deployment_id = @DeploymentId AND status = 6
     AND i_am_alive < @IAmAliveTime AND start_time < @IAmAliveTime
     AND COALESCE(suspect_times, '''') = '''';'),

-- Removes one dead silo''s row, only if it is exactly as the caller read it.
('CleanupDefunctSiloEntryKey',
 'DELETE FROM platform_membership
   WHERE deployment_id = @DeploymentId AND status = 6
     AND address = @Address AND port = @Port AND generation = @Generation
     AND i_am_alive = @IAmAliveTime AND start_time = @StartTime
     AND COALESCE(suspect_times, '''') = COALESCE(@SuspectTimes, '''');')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

INSERT INTO platform_schema_version (script) VALUES ('02-clustering') ON CONFLICT (script) DO UPDATE SET applied_at = now();
COMMIT;
