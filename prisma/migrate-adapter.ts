/**
 * CLI-only driver adapter for the Prisma 6.19.3 Wasm schema engine (`engine: "js"`), imported by
 * `prisma.config.ts`. Never import this at runtime: the app uses a stock `new PrismaPg(...)`.
 *
 * It works around three defects of @prisma/adapter-pg 6.19.3 under the CLI (see docs/prisma.md):
 * 1. catalog columns of type `name` (OID 19) and `"char"` (OID 18) cannot be decoded
 *    (prisma/orm#27403): results are re-labelled as `text` (OID 25) by `CatalogSafeClient`;
 * 2. the stock shadow database is the real database (pg lets `connectionString` win over
 *    `database`) and is dropped before its pool is closed: `connectToShadowDb()` is replaced;
 * 3. the CLI hangs after finishing: pools use `allowExitOnIdle`, and timers armed by the Wasm engine
 *    are unref'd;
 * 4. scripts are split on every `;`, which cuts `DO` blocks and function bodies: `executeScript` is
 *    replaced by one that splits as Postgres does (prisma/sql-script.ts). Each statement still runs
 *    on its own (autocommit), as before.
 */
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';
import { splitSqlScript } from './sql-script';

const OID_CHAR = 18;
const OID_NAME = 19;
const OID_TEXT = 25;

// ---------------------------------------------------------------------------------------------
// Defect 3: the Wasm schema engine arms setTimeout timers it never clears, and the CLI never calls
// process.exit(). Unref only the timers armed from a `wasm://` stack frame.
// ---------------------------------------------------------------------------------------------
const UNREF_MARK = Symbol.for('switchboard.prisma.wasmTimerUnref');
type MarkedGlobal = typeof globalThis & { [UNREF_MARK]?: boolean };

function installWasmTimerUnref(): void {
  const g = globalThis as MarkedGlobal;
  if (g[UNREF_MARK]) return;
  g[UNREF_MARK] = true;
  const original = globalThis.setTimeout;
  const wrapped = function (this: unknown, ...args: Parameters<typeof setTimeout>) {
    const timer = original.apply(this, args);
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 25;
    const stack = new Error().stack ?? '';
    Error.stackTraceLimit = limit;
    if (stack.includes('wasm://') && typeof timer === 'object' && timer !== null && 'unref' in timer) {
      timer.unref();
    }
    return timer;
  };
  Object.assign(wrapped, original); // keeps util.promisify.custom / __promisify__
  globalThis.setTimeout = wrapped as unknown as typeof setTimeout;
}

installWasmTimerUnref();

// ---------------------------------------------------------------------------------------------
// Defect 1: re-label `name` and `"char"` columns as `text` before the adapter maps column types.
// ---------------------------------------------------------------------------------------------
type FieldLike = { dataTypeID: number };
type ResultLike = { fields?: FieldLike[] };

function relabel<T>(result: T): T {
  const results: unknown[] = Array.isArray(result) ? result : [result];
  for (const r of results) {
    const fields = (r as ResultLike | null)?.fields;
    if (!Array.isArray(fields)) continue;
    for (const field of fields) {
      if (field.dataTypeID === OID_NAME || field.dataTypeID === OID_CHAR) field.dataTypeID = OID_TEXT;
    }
  }
  return result;
}

type QueryCallback = (err: Error | null, result?: unknown) => void;

/**
 * A `pg.Client` whose query results never report the `name` / `"char"` types. Handles both the
 * callback form used by pg-pool (`query(text, values, cb)`) and the promise form.
 */
export class CatalogSafeClient extends pg.Client {
  // pg's overloads are not expressible on an override; the runtime contract is unchanged.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const last = args.length > 0 ? args[args.length - 1] : undefined;
    if (typeof last === 'function') {
      const cb = last as QueryCallback;
      args[args.length - 1] = (err: Error | null, result?: unknown) =>
        err ? cb(err, result) : cb(null, relabel(result));
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const cfg = args[0] as { callback?: unknown; submit?: unknown } | null | undefined;
    if (
      cfg &&
      typeof cfg === 'object' &&
      (typeof cfg.submit === 'function' || typeof cfg.callback === 'function')
    ) {
      // Submittables (cursors, streams) and config-object callbacks: leave untouched.
      return (super.query as (...a: unknown[]) => unknown)(...args);
    }
    const out = (super.query as (...a: unknown[]) => unknown)(...args);
    if (out && typeof (out as Promise<unknown>).then === 'function') {
      return (out as Promise<unknown>).then(relabel);
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Defect 2: a real shadow database.
// ---------------------------------------------------------------------------------------------
function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Discrete pg connection fields (no `connectionString`, so that `database` can be overridden). */
export function connectionFields(databaseUrl: string): pg.ClientConfig {
  const config = parseIntoClientConfig(databaseUrl);
  delete (config as { connectionString?: string }).connectionString;
  return config;
}

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e
    ? String((e as { code: unknown }).code)
    : undefined;
}

/** Runs statements on an admin connection: the configured database, else the `postgres` one. */
async function runAdmin(databaseUrl: string, statements: string[]): Promise<void> {
  const fields = connectionFields(databaseUrl);
  let client = new pg.Client(fields);
  try {
    await client.connect();
  } catch (e) {
    if (errorCode(e) !== '3D000') throw e; // invalid_catalog_name: the database does not exist (yet)
    client = new pg.Client({ ...fields, database: 'postgres' });
    await client.connect();
  }
  try {
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}

type PgAdapter = Awaited<ReturnType<PrismaPg['connect']>>;

/** Defect 4: runs a migration script statement by statement, split where Postgres would split it. */
function withStatementSplitting(adapter: PgAdapter): PgAdapter {
  adapter.executeScript = async (script: string) => {
    for (const sql of splitSqlScript(script)) await adapter.executeRaw({ sql, args: [], argTypes: [] });
  };
  return adapter;
}

export class MigratePrismaPg extends PrismaPg {
  constructor(
    private readonly databaseUrl: string,
    connectDatabase?: string,
  ) {
    super({
      ...connectionFields(databaseUrl),
      ...(connectDatabase ? { database: connectDatabase } : {}),
      Client: CatalogSafeClient,
      allowExitOnIdle: true,
      max: 4,
    });
  }

  override async connect(): Promise<PgAdapter> {
    return withStatementSplitting(await super.connect());
  }

  override async connectToShadowDb(): Promise<PgAdapter> {
    const database = `prisma_migrate_shadow_db_${randomUUID()}`;
    await runAdmin(this.databaseUrl, [`CREATE DATABASE ${quoteIdent(database)}`]);
    try {
      const shadow = new PrismaPg({
        ...connectionFields(this.databaseUrl),
        database,
        Client: CatalogSafeClient,
        allowExitOnIdle: true,
        max: 4,
      });
      const adapter = withStatementSplitting(await shadow.connect());
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        try {
          await dispose(); // close the pool first…
        } finally {
          // …then drop the database.
          await runAdmin(this.databaseUrl, [`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`]);
        }
      };
      return adapter;
    } catch (e) {
      await runAdmin(this.databaseUrl, [
        `DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`,
      ]).catch(() => undefined);
      throw e;
    }
  }
}

/**
 * `migrate diff` between migrations / schema files never reads the main database, but the engine
 * still opens it first (to read the server version), and fails with "Database `x` does not exist"
 * on a server where it was never created (CI's drift check on a fresh server). Only for that
 * command, and only when no `--*-url` / `--*-schema-datasource` input is involved, connect to the
 * `postgres` maintenance database instead. Every other command keeps the configured database.
 */
function isServerLevelDiff(argv: readonly string[]): boolean {
  const args = argv.slice(2);
  return (
    args.includes('migrate') &&
    args.includes('diff') &&
    !args.some((a) => /^--(from|to)-(url|schema-datasource|local-d1)\b/.test(a))
  );
}

async function databaseExists(databaseUrl: string): Promise<boolean> {
  const client = new pg.Client(connectionFields(databaseUrl));
  try {
    await client.connect();
    return true;
  } catch (e) {
    if (errorCode(e) === '3D000') return false;
    throw e;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function createMigrateAdapter(
  databaseUrl: string,
  argv: readonly string[] = process.argv,
): Promise<MigratePrismaPg> {
  if (isServerLevelDiff(argv) && !(await databaseExists(databaseUrl))) {
    return new MigratePrismaPg(databaseUrl, 'postgres');
  }
  return new MigratePrismaPg(databaseUrl);
}
