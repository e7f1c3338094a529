import type { PoolClient, QueryResult } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SqlPool } from '../../database/sql-pool.service';
import type { UsageEvent } from './usage-event';
import {
  COPY_USAGE_STAGE_SQL,
  CREATE_USAGE_STAGE_SQL,
  INSERT_STAGED_USAGE_SQL,
  usageCopyText,
} from './usage-stream';

/** Connections whose session holds the staging table (created by a committed transaction). */
const staged = new WeakSet<PoolClient>();

/**
 * Writes a batch with COPY, which cannot skip ids already written: the rows go into the session's
 * temporary staging table, and INSERT_STAGED_USAGE_SQL moves them into usage_records (skipping ids
 * already there) and the rollup (inserted rows only), all in one transaction, so a batch lands whole
 * or not at all, exactly as INSERT_USAGE_SQL. Three round trips. Returns the number of rows inserted.
 */
export function copyUsage(sql: SqlPool, events: readonly UsageEvent[]): Promise<number> {
  return sql.withClient(async (client) => {
    await client.query(staged.has(client) ? 'BEGIN' : `BEGIN; ${CREATE_USAGE_STAGE_SQL}`);
    await pipeline(
      Readable.from([Buffer.from(usageCopyText(events))]),
      client.query(copyFrom(COPY_USAGE_STAGE_SQL)),
    );
    // Two statements in one simple query: the insert's result, then COMMIT's.
    const [insert] = (await client.query(`${INSERT_STAGED_USAGE_SQL}; COMMIT`)) as unknown as [
      QueryResult<{ inserted: number }>,
      QueryResult,
    ];
    staged.add(client);
    return Number(insert.rows[0]?.inserted ?? 0);
  });
}
