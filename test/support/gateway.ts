import type { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import Redis from 'ioredis';
import { createApp } from '../../src/bootstrap/create-app';
import { createLogger } from '../../src/common/logging/logger';
import { loadAppConfig } from '../../src/config/app-config';
import type { AppConfig } from '../../src/config/config.types';
import { gatewayLogFile, registerSecret } from './run-secrets';
import { createTestDatabase } from './test-databases';

export interface GatewayOptions {
  /** YAML text for SWITCHBOARD_CONFIG. */
  yaml?: string;
  env?: Record<string, string>;
  /** Share a database (and Redis prefix) with another instance: two replicas in one test. */
  databaseUrl?: string;
  redisPrefix?: string;
}

export interface TestGateway {
  url: string;
  masterKey: string;
  config: AppConfig;
  app: INestApplication;
  /** Every log line the instance wrote (for secret scans). */
  logs: string[];
  close(): Promise<void>;
}

export const TEST_MASTER_KEY = 'sk-sb-test-master-0123456789abcdefghijklmnopqrstuvwxyz';

/** Boots the real AppModule on an ephemeral port against its own database and Redis prefix. */
export async function startGateway(opts: GatewayOptions = {}): Promise<TestGateway> {
  const dbUrl =
    opts.databaseUrl ?? (await createTestDatabase(expect.getState().testPath?.split('/').pop() ?? 'e2e'));
  const env: Record<string, string> = {
    DATABASE_URL: dbUrl,
    REDIS_URL: 'redis://127.0.0.1:6379',
    SWITCHBOARD_MASTER_KEY: TEST_MASTER_KEY,
    SWITCHBOARD_ENCRYPTION_KEY: randomKeyFor(dbUrl),
    SWITCHBOARD_REDIS_PREFIX: opts.redisPrefix ?? `sbtest:${randomBytes(4).toString('hex')}`,
    SWITCHBOARD_ALLOW_PRIVATE_URLS: 'true',
    PORT: '0',
    LOG_LEVEL: 'info',
    ...opts.env,
  };
  if (opts.yaml !== undefined) {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sb-')), 'switchboard.yaml');
    writeFileSync(file, opts.yaml);
    env.SWITCHBOARD_CONFIG = file;
  }
  const config = loadAppConfig(env);
  registerSecret(config.masterKey);
  const logs: string[] = [];
  const logFile = gatewayLogFile(path.basename(expect.getState().testPath ?? 'e2e', '.e2e-spec.ts'));
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      logFile?.write(chunk);
      cb();
    },
  });
  const app = await createApp(config, createLogger(config.logLevel, sink));
  try {
    await app.listen(0, '127.0.0.1');
  } catch (err) {
    // A refused boot (bad Redis, bad config…): close what started, so the test run holds nothing open.
    await app.close().catch(() => undefined);
    throw err;
  }
  const address = app.getHttpServer().address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    masterKey: TEST_MASTER_KEY,
    config,
    app,
    logs,
    close: async () => {
      await app.close();
      await clearRedisPrefix(config.redisPrefix);
      await new Promise<void>((resolve) => (logFile ? logFile.end(resolve) : resolve()));
    },
  };
}

/** One encryption key per database, so replicas sharing a database can read each other's secrets. */
const keys = new Map<string, string>();
function randomKeyFor(dbUrl: string): string {
  if (!keys.has(dbUrl)) keys.set(dbUrl, randomBytes(32).toString('base64'));
  return keys.get(dbUrl)!;
}

async function clearRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });
  try {
    await redis.connect();
    await deleteRedisPrefix(redis, prefix);
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key under `${prefix}:` (a test run's own keys; never the whole server). */
export async function deleteRedisPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
}
