import { Client } from 'pg';

/** The server the tests use; each run gets its own databases on it (never the dev database). */
export const TEST_SERVER_URL = process.env.TEST_DATABASE_SERVER_URL ?? 'postgresql://postgres@127.0.0.1:5432';
export const RUN_ID_ENV = 'SWITCHBOARD_TEST_RUN_ID';

export function databaseUrl(name: string): string {
  return `${TEST_SERVER_URL}/${name}`;
}

/** Runs `fn` on a fresh connection to `url`, closed afterwards. */
export async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export function withAdminClient<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  return withClient(databaseUrl('postgres'), fn);
}

export function templateName(runId: string): string {
  return `sbtest_${runId}_template`;
}

/** A fresh, migrated database cloned from the run's template (fast: no migrations per test). */
export async function createTestDatabase(label: string): Promise<string> {
  const runId = process.env[RUN_ID_ENV];
  if (!runId) throw new Error('test run id missing: run e2e tests through jest (globalSetup)');
  const name = `sbtest_${runId}_${label
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .slice(0, 20)}_${Math.random().toString(36).slice(2, 8)}`;
  await withAdminClient((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${templateName(runId)}"`));
  return databaseUrl(name);
}

export async function dropRunDatabases(runId: string): Promise<void> {
  await withAdminClient(async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      `SELECT datname::text FROM pg_database WHERE datname LIKE $1`,
      [`sbtest_${runId}_%`],
    );
    for (const r of rows) await c.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
  });
}
