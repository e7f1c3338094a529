-- usage_records partitioned by month (RANGE on created_at, UTC months), online for a table that already
-- holds rows: the old table becomes the partition `usage_records_legacy` for every time up to a bound
-- at least a week ahead; monthly partitions follow it, and a DEFAULT partition takes any row no range
-- covers, so a write never fails for lack of a partition. docs/usage-partitioning.md explains each
-- step's lock. Under `prisma migrate deploy` (driver adapter) every statement below commits on its own,
-- so the two long steps (1 and 3) run before, and outside, the short swap (4).

-- 1. The partitioned key (id, created_at) needs a unique index on the old table. SHARE lock while it is
-- built: reports read on, usage writes wait (their events wait in the Redis stream). A deployment with a
-- large table builds it beforehand with CREATE UNIQUE INDEX CONCURRENTLY (same name), and this is a no-op.
CREATE UNIQUE INDEX IF NOT EXISTS "usage_records_id_created_at_key" ON "usage_records" ("id", "created_at");

-- 2. The legacy partition's upper bound: the first of a month at least 7 days after both now and the
-- newest row. A CHECK NOT VALID is added without reading the table (a brief ACCESS EXCLUSIVE lock); the
-- bound is kept in the constraint's comment for step 4.
DO $$
DECLARE
  newest timestamptz := (SELECT max(created_at) FROM usage_records);
  bound timestamptz := (date_trunc('month', (greatest(now(), newest) + interval '7 days') AT TIME ZONE 'UTC')
    + interval '1 month') AT TIME ZONE 'UTC';
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'usage_records_legacy_bound') THEN
    EXECUTE format('ALTER TABLE usage_records ADD CONSTRAINT usage_records_legacy_bound CHECK (created_at < %L::timestamptz) NOT VALID', bound);
    EXECUTE format('COMMENT ON CONSTRAINT usage_records_legacy_bound ON usage_records IS %L', bound);
  END IF;
END $$;

-- 3. Proves the bound on every row: a full read under SHARE UPDATE EXCLUSIVE (reads and writes go on).
ALTER TABLE "usage_records" VALIDATE CONSTRAINT "usage_records_legacy_bound";

-- 4. The swap, one short transaction: rename the old table, create the partitioned parent with the same
-- columns and indexes, attach the old table (its validated CHECK spares the scan; its indexes match the
-- parent's and are attached, not rebuilt), add a DEFAULT partition. Waits for the lock at most 2 s per
-- try (so reports never queue behind it for long), up to 60 tries.
DO $$
DECLARE
  bound timestamptz;
  tries int := 0;
BEGIN
  LOOP
    BEGIN
      PERFORM set_config('lock_timeout', '2s', true);
      LOCK TABLE usage_records IN ACCESS EXCLUSIVE MODE;
      EXIT;
    EXCEPTION WHEN lock_not_available THEN
      tries := tries + 1;
      IF tries >= 60 THEN RAISE; END IF;
      PERFORM pg_sleep(1);
    END;
  END LOOP;
  PERFORM set_config('lock_timeout', '0', true);
  bound := obj_description((SELECT oid FROM pg_constraint WHERE conname = 'usage_records_legacy_bound'), 'pg_constraint')::timestamptz;


  ALTER TABLE usage_records RENAME TO usage_records_legacy;
  ALTER TABLE usage_records_legacy DROP CONSTRAINT usage_records_pkey;
  ALTER TABLE usage_records_legacy ADD CONSTRAINT usage_records_legacy_pkey PRIMARY KEY USING INDEX usage_records_id_created_at_key;
  ALTER INDEX usage_records_created_at_idx RENAME TO usage_records_legacy_created_at_idx;
  ALTER INDEX usage_records_key_id_created_at_idx RENAME TO usage_records_legacy_key_id_created_at_idx;
  ALTER INDEX usage_records_team_id_created_at_idx RENAME TO usage_records_legacy_team_id_created_at_idx;
  ALTER INDEX usage_records_model_created_at_idx RENAME TO usage_records_legacy_model_created_at_idx;

  CREATE TABLE usage_records (LIKE usage_records_legacy INCLUDING DEFAULTS) PARTITION BY RANGE (created_at);
  ALTER TABLE usage_records ADD CONSTRAINT usage_records_pkey PRIMARY KEY (id, created_at);
  CREATE INDEX usage_records_created_at_idx ON usage_records (created_at);
  CREATE INDEX usage_records_key_id_created_at_idx ON usage_records (key_id, created_at);
  CREATE INDEX usage_records_team_id_created_at_idx ON usage_records (team_id, created_at);
  CREATE INDEX usage_records_model_created_at_idx ON usage_records (model, created_at);

  EXECUTE format('ALTER TABLE usage_records ATTACH PARTITION usage_records_legacy FOR VALUES FROM (MINVALUE) TO (%L)', bound);
  -- The partition bound now says the same (and Prisma's schema engine cannot read CHECK constraints).
  ALTER TABLE usage_records_legacy DROP CONSTRAINT usage_records_legacy_bound;
  CREATE TABLE usage_records_default PARTITION OF usage_records DEFAULT;
END $$;

-- Partitions as rows: bounds as timestamps (NULL: MINVALUE / MAXVALUE), the DEFAULT one flagged.
CREATE VIEW "usage_record_partitions" AS
SELECT c.relname::text AS name,
  (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \(''([^'']+)''\)'))[1]::timestamptz AS range_from,
  (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \(''([^'']+)''\)'))[1]::timestamptz AS range_to,
  pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT' AS is_default
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'usage_records'::regclass;

-- Creates the partition of the UTC month holding `month` (called by the worker ahead of time, and below).
-- Returns its name, or NULL when a partition already covers that month. Rows a DEFAULT partition took
-- for that month (written before the partition existed) move into it. Replicas may call it at once.
CREATE FUNCTION usage_records_create_partition(month date) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  lo timestamptz := date_trunc('month', month::timestamp) AT TIME ZONE 'UTC';
  hi timestamptz := (date_trunc('month', month::timestamp) + interval '1 month') AT TIME ZONE 'UTC';
  part text := 'usage_records_' || to_char(month, 'YYYY_MM');
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('usage_records partitions'));
  IF EXISTS (SELECT 1 FROM usage_record_partitions p WHERE NOT p.is_default
      AND (p.range_from IS NULL OR p.range_from < hi) AND (p.range_to IS NULL OR p.range_to > lo)) THEN
    RETURN NULL;
  END IF;
  IF EXISTS (SELECT 1 FROM usage_records_default WHERE created_at >= lo AND created_at < hi) THEN
    EXECUTE format('CREATE TABLE %I (LIKE usage_records INCLUDING DEFAULTS)', part);
    EXECUTE format('WITH moved AS (DELETE FROM usage_records_default WHERE created_at >= $1 AND created_at < $2 RETURNING *) INSERT INTO %I SELECT * FROM moved', part) USING lo, hi;
    EXECUTE format('ALTER TABLE usage_records ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
  ELSE
    EXECUTE format('CREATE TABLE %I PARTITION OF usage_records FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
  END IF;
  RETURN part;
END $$;

-- Retention: drops every partition that ends at or before `cutoff` (never the DEFAULT one, never a
-- partition holding a row newer than the cutoff), deletes the DEFAULT partition's rows older than the
-- oldest partition left, and writes one audit_logs row per drop, in the same transaction. The rollup
-- (usage_daily) keeps the totals. Waits at most 5 s for the parent's lock (the caller retries later).
CREATE FUNCTION usage_records_drop_partitions(cutoff timestamptz)
RETURNS TABLE (name text, range_from timestamptz, range_to timestamptz, records_estimate bigint) LANGUAGE plpgsql AS $$
DECLARE
  p record;
  horizon timestamptz;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('usage_records partitions'));
  PERFORM set_config('lock_timeout', '5s', true);
  FOR p IN SELECT * FROM usage_record_partitions v WHERE NOT v.is_default AND v.range_to <= cutoff ORDER BY v.range_to LOOP
    name := p.name;
    range_from := p.range_from;
    range_to := p.range_to;
    records_estimate := (SELECT greatest(c.reltuples, 0)::bigint FROM pg_class c WHERE c.oid = to_regclass(p.name));
    EXECUTE format('DROP TABLE %I', p.name);
    INSERT INTO audit_logs (actor_type, action, target_type, target_id, before)
    VALUES ('retention', 'usage.partition.drop', 'usage_partition', p.name,
      jsonb_build_object('range_from', p.range_from, 'range_to', p.range_to, 'records_estimate', records_estimate, 'cutoff', cutoff));
    RETURN NEXT;
  END LOOP;
  horizon := (SELECT min(v.range_from) FROM usage_record_partitions v WHERE NOT v.is_default HAVING bool_and(v.range_from IS NOT NULL));
  IF horizon IS NOT NULL THEN
    DELETE FROM usage_records_default WHERE created_at < horizon;
  END IF;
END $$;

-- The months after the legacy partition's bound: this one and the next three (the worker keeps adding).
SELECT usage_records_create_partition((date_trunc('month', now() AT TIME ZONE 'UTC') + n * interval '1 month')::date)
FROM generate_series(0, 3) AS n;
