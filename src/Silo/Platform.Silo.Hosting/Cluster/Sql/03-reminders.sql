-- Platform: durable reminders for Orleans' ADO.NET reminders provider (Microsoft.Orleans.Reminders.AdoNet 10.4.2).
-- The contract (query keys, parameter names, result column names) is Orleans'; the table and SQL are ours.
-- Version is the reminder's ETag: +1 on every upsert; a delete must present the current one.
-- Idempotent: safe to apply any number of times, also by several silos at once (advisory lock).
BEGIN;
SELECT pg_advisory_xact_lock(735300101);

CREATE TABLE IF NOT EXISTS platform_reminders
(
    service_id    varchar(150)   NOT NULL,
    grain_id      varchar(150)   NOT NULL,
    reminder_name varchar(150)   NOT NULL,
    start_time    timestamptz(3) NOT NULL,
    period_ms     bigint         NOT NULL,
    grain_hash    integer        NOT NULL,
    version       integer        NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX IF NOT EXISTS platform_reminders_hash ON platform_reminders (service_id, grain_hash);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('UpsertReminderRowKey',
 'INSERT INTO platform_reminders AS r (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)
  VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period::bigint, @GrainHash, 0)
  ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
     SET start_time = EXCLUDED.start_time, period_ms = EXCLUDED.period_ms,
         grain_hash = EXCLUDED.grain_hash, version = r.version + 1
  RETURNING r.version AS Version;'),

('ReadReminderRowsKey',
 'SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period_ms AS Period, version AS Version
    FROM platform_reminders
   WHERE service_id = @ServiceId AND grain_id = @GrainId;'),

('ReadReminderRowKey',
 'SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period_ms AS Period, version AS Version
    FROM platform_reminders
   WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName;'),

-- Hash range (begin, end] that does not wrap around.
('ReadRangeRows1Key',
 'SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period_ms AS Period, version AS Version
    FROM platform_reminders
   WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash;'),

-- Hash range that wraps around: above begin, or up to end.
('ReadRangeRows2Key',
 'SELECT grain_id AS GrainId, reminder_name AS ReminderName, start_time AS StartTime, period_ms AS Period, version AS Version
    FROM platform_reminders
   WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash);'),

('DeleteReminderRowKey',
 'WITH gone AS (
      DELETE FROM platform_reminders
       WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
         AND version = @Version::integer
      RETURNING 1)
  SELECT count(*)::integer AS Result FROM gone;'),

('DeleteReminderRowsKey',
 'DELETE FROM platform_reminders WHERE service_id = @ServiceId;')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

INSERT INTO platform_schema_version (script) VALUES ('03-reminders') ON CONFLICT (script) DO UPDATE SET applied_at = now();
COMMIT;
