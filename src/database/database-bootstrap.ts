/**
 * Database set-up run at boot, before Nest starts. Framework-free.
 *
 * - ensureDatabaseExists: creates the database named in DATABASE_URL when it is missing;
 * - applyMigrations: runs `prisma migrate deploy` (the CLI, on its Wasm schema engine) in a child
 *   process. Prisma takes a PostgreSQL advisory lock for the whole deploy, so replicas starting at
 *   once apply each migration exactly once;
 * - dropDatabase: for tests.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client, ClientConfig } from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';

const MAINTENANCE_DATABASE = 'postgres';

/** Discrete connection fields, so that `database` can be overridden (pg lets `connectionString` win). */
function connectionFields(databaseUrl: string): ClientConfig & { database?: string } {
  const config = parseIntoClientConfig(databaseUrl) as ClientConfig & { connectionString?: string };
  delete config.connectionString;
  return config;
}

function databaseName(databaseUrl: string): string {
  const name = connectionFields(databaseUrl).database;
  if (!name) throw new Error('DATABASE_URL names no database');
  return name;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function pgErrorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e
    ? String((e as { code: unknown }).code)
    : undefined;
}

async function withClient<T>(config: ClientConfig, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionTimeoutMillis: 10_000, ...config });
  // An 'error' event without a listener would crash the process (e.g. server restart mid-query).
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Creates the database named in `databaseUrl` if it does not exist. Returns true when this call
 * created it. Safe when several replicas race: a concurrent CREATE DATABASE is tolerated.
 */
export async function ensureDatabaseExists(databaseUrl: string): Promise<boolean> {
  const fields = connectionFields(databaseUrl);
  const name = databaseName(databaseUrl);
  // Fast path, and the only one that works for a role without access to the maintenance database.
  try {
    await withClient(fields, async () => undefined);
    return false;
  } catch (e) {
    if (pgErrorCode(e) !== '3D000') throw e; // 3D000 invalid_catalog_name: the database is missing
  }
  return withClient({ ...fields, database: MAINTENANCE_DATABASE }, async (client) => {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
      return true;
    } catch (e) {
      // 42P04 duplicate_database; 23505 unique_violation on pg_database_datname_index when two
      // CREATE DATABASE statements commit at the same moment.
      const code = pgErrorCode(e);
      if (code === '42P04' || code === '23505') return false;
      throw e;
    }
  });
}

/** Drops the database named in `databaseUrl` (tests). Terminates its connections; ignores a missing one. */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const fields = connectionFields(databaseUrl);
  const name = databaseName(databaseUrl);
  if (name === MAINTENANCE_DATABASE) throw new Error(`refusing to drop the ${MAINTENANCE_DATABASE} database`);
  await withClient({ ...fields, database: MAINTENANCE_DATABASE }, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  });
}

/**
 * The directory holding prisma.config.ts, prisma/schema.prisma and prisma/migrations, found from
 * this file's location: src/database under ts-jest/ts-node, dist/database in a build.
 */
export function projectRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    if (
      fs.existsSync(path.join(dir, 'prisma.config.ts')) &&
      fs.existsSync(path.join(dir, 'prisma', 'migrations'))
    ) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the project root (prisma.config.ts) above ${from}`);
    dir = parent;
  }
}

export interface ApplyMigrationsResult {
  stdout: string;
  stderr: string;
}

/**
 * Applies pending migrations with `prisma migrate deploy`. Rejects with the CLI's stderr (or stdout
 * when stderr is empty) if it fails.
 */
export function applyMigrations(
  databaseUrl: string,
  options: { timeoutMs?: number } = {},
): Promise<ApplyMigrationsResult> {
  const cwd = projectRoot();
  const cli = require.resolve('prisma/build/index.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'migrate', 'deploy'], {
      cwd,
      env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: '1', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer =
      options.timeoutMs && options.timeoutMs > 0
        ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs).unref()
        : undefined;
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) {
        resolve({ stdout, stderr });
        return;
      }
      const detail = (stderr.trim() || stdout.trim() || '(no output)').slice(-8000);
      reject(new Error(`prisma migrate deploy failed (${signal ?? `exit ${code}`}): ${detail}`));
    });
  });
}
