-- AlterTable
ALTER TABLE "usage_daily" ADD COLUMN     "audio_seconds" DECIMAL(20,3) NOT NULL DEFAULT 0,
ADD COLUMN     "images" BIGINT NOT NULL DEFAULT 0;

-- Backfill: the rollup's audio seconds and images of every (day, key, team, model, provider) are the sums
-- of its usage_records, as the writer adds them from now on (same grouping as INSERT_USAGE_SQL).
UPDATE "usage_daily" d
SET "audio_seconds" = r.audio_seconds, "images" = r.images
FROM (
  SELECT (created_at AT TIME ZONE 'UTC')::date AS day, COALESCE(key_id::text, '') AS key_id,
    COALESCE(team_id::text, '') AS team_id, model, COALESCE(provider, '') AS provider,
    sum(audio_seconds) AS audio_seconds, sum(images) AS images
  FROM "usage_records"
  GROUP BY 1, 2, 3, 4, 5
  HAVING sum(audio_seconds) <> 0 OR sum(images) <> 0
) r
WHERE d.day = r.day AND d.key_id = r.key_id AND d.team_id = r.team_id AND d.model = r.model
  AND d.provider = r.provider;
