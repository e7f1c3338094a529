import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import { startFakeOpenAi, type FakeOpenAi } from '../fakes/fake-openai';
import { deleteRedisPrefix } from './gateway';
import { baseEnv, ensureBuilt, kill9, ready, spawnGateway, yamlFile, type Proc } from './gateway-process';
import { freePort } from './redis-server';
import { createTestDatabase } from './test-databases';

/** A ready gateway process in the `all` role, on its own database and Redis prefix. */
export interface AllRoleProcess {
  databaseUrl: string;
  prefix: string;
  port: number;
  base: string;
  env: Record<string, string>;
  proc: Proc;
}

/**
 * What a suite of gateway processes shares: a fake OpenAI upstream and its YAML catalog, and every
 * process and Redis prefix the suite started, all cleaned up by `close()`.
 */
export interface ProcessRig {
  fake: FakeOpenAi;
  configFile: string;
  /** Keeps a process the suite spawned itself, to kill -9 at close. */
  track(p: Proc): Proc;
  /** A new Redis prefix under `sbtest:<label>:`, deleted at close. */
  newPrefix(label: string): string;
  startAllRole(label: string, extraEnv?: Record<string, string>, readyMs?: number): Promise<AllRoleProcess>;
  close(): Promise<void>;
}

export async function startProcessRig(): Promise<ProcessRig> {
  ensureBuilt();
  const fake = await startFakeOpenAi({ apiKey: 'sk-upstream' });
  const configFile = yamlFile(fake);
  const procs: Proc[] = [];
  const prefixes: string[] = [];
  const track = (p: Proc) => (procs.push(p), p);
  const newPrefix = (label: string) => {
    // Hash-tagged as the gateway makes it (env.loader), so that the test reads the keys it writes.
    const prefix = `{sbtest:${label}:${randomBytes(4).toString('hex')}}`;
    prefixes.push(prefix);
    return prefix;
  };
  return {
    fake,
    configFile,
    track,
    newPrefix,
    async startAllRole(label, extraEnv = {}, readyMs) {
      const databaseUrl = await createTestDatabase(label);
      const prefix = newPrefix(label);
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const env = {
        ...baseEnv(databaseUrl, prefix, configFile),
        PORT: String(port),
        SWITCHBOARD_ROLE: 'all',
        ...extraEnv,
      };
      const proc = track(spawnGateway(env));
      await ready(base, proc, readyMs);
      return { databaseUrl, prefix, port, base, env, proc };
    },
    async close() {
      for (const p of procs) await kill9(p);
      const redis = new Redis('redis://127.0.0.1:6379');
      for (const prefix of prefixes) await deleteRedisPrefix(redis, prefix).catch(() => undefined);
      redis.disconnect();
      await fake.close();
      fs.rmSync(path.dirname(configFile), { recursive: true, force: true });
    },
  };
}
