import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { LOGGER } from '../../common/logging/logger.module';
import type { Logger } from '../../common/logging/logger';
import { APP_CONFIG } from '../../config/app-config';
import type { AppConfig } from '../../config/config.types';
import { closeRedis, RedisService } from '../../database/redis.service';
import { SqlPool } from '../../database/sql-pool.service';
import { MetricsService } from '../metrics/metrics.service';
import { UsageService } from './usage.service';
import type { UsageEvent } from './usage-event';
import { copyUsage } from './usage-copy';
import {
  INSERT_USAGE_SQL,
  USAGE_GROUP,
  parseUsageEvent,
  usageInsertParams,
  usageStreamKey,
} from './usage-stream';

/**
 * Most stream entries per read; each holds the events of one settlement batch (1 to 128, a handful at
 * load). A read takes whatever is waiting up to this, so under load batches grow instead of multiplying.
 */
const BATCH = 1_000;
/** Events per COPY transaction (and the most a refused batch retries one by one). */
const INSERT_CHUNK = 5_000;
const BLOCK_MS = 500;
/** Entries another consumer read but did not acknowledge for this long are taken over (crashed writer). */
export const CLAIM_IDLE_MS = 10_000;
const CLAIM_EVERY_MS = 5_000;
const MAX_BACKOFF_MS = 5_000;
/**
 * After a partial batch, the writer waits this long before reading again, so that under steady traffic
 * it writes one batch per interval instead of one tiny transaction per request (each costs the worker,
 * Postgres and a WAL flush far more than a row does). The first event after an idle spell is not
 * delayed (the blocking read returns with it), and a full batch is followed at once. Bounds the added
 * lag; the contract allows 5 s. (Counting the write's own time into the wait lowered the lag but, with
 * 2,000 events/s, made 50 % more transactions: bench/results/usage-writer.md.)
 */
export const COALESCE_MS = 200;

type StreamEntry = [id: string, fields: string[]];

export interface UsageWriterStats {
  written: number;
  duplicates: number;
  failures: number;
  deadLettered: number;
  /** Seconds between the newest written event's creation and its commit, at the last batch. */
  lagSeconds: number;
}

/**
 * The usage writer (roles `worker` and `all`): reads the usage stream with a consumer group, writes
 * batches to Postgres (idempotent on the record id, rollup updated for inserted rows only, one
 * statement), and acknowledges only after the commit. Entries left pending by a crashed writer are
 * re-claimed (XAUTOCLAIM); while Postgres is down, entries stay pending and are retried with backoff.
 */
@Injectable()
export class UsageWriter implements OnApplicationBootstrap, OnModuleDestroy {
  private conn?: Redis;
  private stopped = false;
  private loop?: Promise<void>;
  private readonly key: string;
  private readonly deadKey: string;
  private readonly consumer = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  readonly stats: UsageWriterStats = {
    written: 0,
    duplicates: 0,
    failures: 0,
    deadLettered: 0,
    lagSeconds: 0,
  };

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: RedisService,
    private readonly sql: SqlPool,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: MetricsService,
    usage: UsageService,
  ) {
    this.key = usageStreamKey(config.redisPrefix);
    this.deadKey = `${config.redisPrefix}:usage:dead`;
    metrics.setUsageProbe({
      queueDepth: () => this.queueDepth(),
      lagSeconds: () => this.stats.lagSeconds,
      spilled: () => usage.spilled,
    });
  }

  onApplicationBootstrap(): void {
    if (this.config.role === 'api') return;
    this.conn = this.redis.connect('usage-writer');
    this.loop = this.run();
  }

  /** Stream entries not yet written (written entries are deleted); each holds one settlement batch's events. */
  async queueDepth(): Promise<number> {
    return this.redis.client.xlen(this.key);
  }

  private async run(): Promise<void> {
    const conn = this.conn!;
    let backoff = 200;
    let backlog = true;
    let lastClaim = 0;
    while (!this.stopped) {
      try {
        await this.ensureGroup(conn);
        if (Date.now() - lastClaim > CLAIM_EVERY_MS) {
          await this.claimStale(conn);
          lastClaim = Date.now();
        }
        const entries = await this.read(conn, backlog ? '0' : '>');
        if (entries.length === 0) {
          backlog = false;
          continue;
        }
        await this.write(conn, entries);
        backoff = 200;
        if (entries.length < BATCH) await this.pause(COALESCE_MS);
      } catch (err) {
        if (this.stopped) break;
        this.stats.failures++;
        backlog = true;
        // The stream or its group vanished (a Redis restarted without persistence, a failover, a flush).
        if (err instanceof Error && err.message.includes('NOGROUP')) this.groupReady = false;
        this.logger.warn(
          { err: err instanceof Error ? err.message : String(err), retry_ms: backoff },
          'usage writer: batch not written; will retry',
        );
        await this.pause(backoff);
        backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
      }
    }
  }

  /** Sleeps up to `ms`, cut short by shutdown. */
  private async pause(ms: number): Promise<void> {
    for (let waited = 0; waited < ms && !this.stopped; waited += 50) await sleep(Math.min(50, ms - waited));
  }

  private groupReady = false;
  private async ensureGroup(conn: Redis): Promise<void> {
    if (this.groupReady) return;
    try {
      await conn.xgroup('CREATE', this.key, USAGE_GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!(err instanceof Error) || !err.message.includes('BUSYGROUP')) throw err;
    }
    this.groupReady = true;
  }

  /**
   * Graceful shutdown: stops the loop, then writes what the stream holds now (this consumer's pending
   * entries, then new ones) until it is empty or `ms` passed. Roles with no writer (`api`) leave their
   * records in the stream for the workers.
   */
  async flush(ms: number): Promise<void> {
    const conn = this.conn;
    if (!conn) return;
    this.stopped = true;
    await this.loop?.catch(() => undefined);
    const end = Date.now() + ms;
    let from: '0' | '>' = '0';
    while (Date.now() < end) {
      await this.ensureGroup(conn);
      const entries = await this.read(conn, from, false);
      if (entries.length > 0) await this.write(conn, entries);
      else if (from === '0') from = '>';
      else return;
    }
    this.logger.warn('usage writer: stream not empty at shutdown; the next writer takes the rest');
  }

  private async read(conn: Redis, from: '0' | '>', block = true): Promise<StreamEntry[]> {
    const res = (
      from === '0' || !block
        ? await conn.xreadgroup(
            'GROUP',
            USAGE_GROUP,
            this.consumer,
            'COUNT',
            BATCH,
            'STREAMS',
            this.key,
            from,
          )
        : await conn.xreadgroup(
            'GROUP',
            USAGE_GROUP,
            this.consumer,
            'COUNT',
            BATCH,
            'BLOCK',
            BLOCK_MS,
            'STREAMS',
            this.key,
            '>',
          )
    ) as Array<[string, StreamEntry[]]> | null;
    return res?.[0]?.[1] ?? [];
  }

  /** Takes over entries a crashed consumer left unacknowledged, and writes them. */
  private async claimStale(conn: Redis): Promise<void> {
    let cursor = '0-0';
    do {
      const res = (await conn.xautoclaim(
        this.key,
        USAGE_GROUP,
        this.consumer,
        CLAIM_IDLE_MS,
        cursor,
        'COUNT',
        BATCH,
      )) as [string, StreamEntry[], string[]];
      cursor = res[0];
      const entries = res[1].filter((e) => e && e[1]);
      if (entries.length) await this.write(conn, entries);
    } while (cursor !== '0-0' && !this.stopped);
  }

  /**
   * Writes the events of `entries` (each entry holds one settlement batch's events, one JSON per line)
   * in one statement, then acknowledges and deletes the entries. An event that cannot be read, or that
   * Postgres refuses on its own, goes to the dead-letter stream with the id of the entry it came in.
   */
  private async write(conn: Redis, entries: StreamEntry[]): Promise<void> {
    const ids: string[] = [];
    const events: UsageEvent[] = [];
    const sources: Array<{ entry: string; text: string }> = [];
    const dead: Array<{ entry: string; text: string }> = [];
    let newest = 0;
    for (const [id, fields] of entries) {
      ids.push(id);
      for (const text of linesOf(fields)) {
        try {
          const event = parseUsageEvent(text);
          events.push(event);
          sources.push({ entry: id, text });
          newest = Math.max(newest, event.createdAt.getTime());
        } catch {
          dead.push({ entry: id, text });
        }
      }
    }
    // One transaction per INSERT_CHUNK events (entries hold up to 128 each); a chunk Postgres refuses
    // while it answers is written event by event, and what it refuses on its own is set aside.
    for (let from = 0; from < events.length; from += INSERT_CHUNK) {
      const chunk = events.slice(from, from + INSERT_CHUNK);
      try {
        await this.insert(chunk);
      } catch (err) {
        if (!(await this.postgresUp())) throw err;
        for (const [i, event] of chunk.entries()) {
          try {
            await this.insert([event]);
          } catch {
            dead.push(sources[from + i]);
          }
        }
      }
    }
    if (events.length) this.stats.lagSeconds = newest ? Math.max(0, (Date.now() - newest) / 1000) : 0;
    const pipe = conn.pipeline();
    for (const { entry, text } of dead) pipe.xadd(this.deadKey, '*', 'source', entry, 'e', text);
    pipe.xack(this.key, USAGE_GROUP, ...ids);
    pipe.xdel(this.key, ...ids);
    await pipe.exec();
    if (dead.length) {
      this.stats.deadLettered += dead.length;
      this.logger.error(
        { count: dead.length, stream: this.deadKey },
        'usage writer: events could not be written; kept in the dead-letter stream',
      );
    }
  }

  /** A batch goes by COPY (usage-copy.ts); a single event (a refused batch retried one by one) as one INSERT. */
  private async insert(events: UsageEvent[]): Promise<void> {
    const inserted =
      events.length > 1
        ? await copyUsage(this.sql, events)
        : Number(
            (await this.sql.query<{ inserted: number }>(INSERT_USAGE_SQL, usageInsertParams(events)))[0]
              ?.inserted ?? 0,
          );
    this.stats.written += inserted;
    this.stats.duplicates += events.length - inserted;
  }

  private async postgresUp(): Promise<boolean> {
    try {
      await this.sql.query('SELECT 1', []);
      return true;
    } catch {
      return false;
    }
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.loop?.catch(() => undefined);
    await closeRedis(this.conn);
  }
}

/** The event texts of a stream entry (field `e`, one per line); an entry without one yields its raw fields. */
function linesOf(fields: string[]): string[] {
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === 'e') return fields[i + 1].split('\n');
  return [JSON.stringify(fields)];
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
