/**
 * `usage_spend_pending`: usage records written straight to Postgres while Redis was unreachable, whose
 * spend a settlement (retried until Redis is back) may still add to the Redis spend counter. A counter
 * seeded from Postgres in the meantime already includes them: the seed marks them in Redis, and their
 * settlement then adds nothing (LimitsService.seedSpend, limits.scripts.ts). A row is written before its
 * record (so a seed that sees the record sees the row) and deleted once the settlement ran.
 */

/** $1: the event ids (uuid[]). */
export const MARK_SPEND_PENDING_SQL = `INSERT INTO usage_spend_pending (event_id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING`;

/** $1: the event ids (uuid[]). */
export const CLEAR_SPEND_PENDING_SQL = `DELETE FROM usage_spend_pending WHERE event_id = ANY($1::uuid[])`;

/**
 * The oldest time usage_records holds every record for (NULL while retention dropped no partition), and
 * the rollup's spend of a subject before it: what a lifetime budget (a period from the epoch) still counts
 * once SWITCHBOARD_USAGE_RETENTION_DAYS dropped its oldest records. $1: the subject's id, $2: the period's
 * start. Periods that are at most a month never reach it (the retention is at least 31 days).
 */
export function droppedSpendSql(column: 'key_id' | 'team_id'): string {
  return `(SELECT COALESCE(SUM(d.cost_usd), 0) FROM usage_daily d,
      (SELECT min(range_from) AS h FROM usage_record_partitions WHERE NOT is_default
        HAVING bool_and(range_from IS NOT NULL)) horizon
    WHERE d.${column} = $1::text AND d.day >= ($2::timestamptz AT TIME ZONE 'UTC')::date
      AND d.day < (horizon.h AT TIME ZONE 'UTC')::date)`;
}

/**
 * A subject's spend in a budget period, and the ids of the records in it whose settlement may still
 * come. `column` is `key_id` or `team_id`. $1: the subject's id, $2: the period's start.
 */
export function periodSpendSql(column: 'key_id' | 'team_id'): string {
  return `SELECT (COALESCE(SUM(r.cost_usd), 0) + ${droppedSpendSql(column)})::text AS s,
    COALESCE(array_agg(r.id::text) FILTER (WHERE p.event_id IS NOT NULL), '{}') AS pending
  FROM usage_records r LEFT JOIN usage_spend_pending p ON p.event_id = r.id
  WHERE r.${column} = $1::uuid AND r.created_at >= $2`;
}
