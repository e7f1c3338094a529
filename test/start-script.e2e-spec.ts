import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import { startFakeOpenAi, type FakeOpenAi } from './fakes/fake-openai';
import { deleteRedisPrefix, TEST_MASTER_KEY } from './support/gateway';
import {
  baseEnv,
  connects,
  ensureBuilt,
  ready,
  spawnProc,
  waitUntil,
  yamlFile,
  type Proc,
} from './support/gateway-process';
import { freePort } from './support/redis-server';
import { createTestDatabase } from './support/test-databases';

/** `npm start` under a process manager: SIGTERM goes to npm, and must reach the gateway. */
describe('npm start: SIGTERM to npm drains and stops the gateway', () => {
  let fake: FakeOpenAi;
  let configFile: string;
  let prefix: string;
  let npm: Proc | undefined;

  beforeAll(async () => {
    ensureBuilt();
    // `npm start`'s prestart builds the console when stale: build it here, not inside the readiness wait.
    require('../scripts/build-ui-if-needed').buildUiIfNeeded();
    fake = await startFakeOpenAi({ apiKey: 'sk-upstream' });
    configFile = yamlFile(fake);
  }, 180_000);

  afterAll(async () => {
    // npm runs in a process group of its own: whatever is left of it (an orphaned server) goes.
    if (npm?.child.pid && alive(-npm.child.pid)) process.kill(-npm.child.pid, 'SIGKILL');
    const redis = new Redis('redis://127.0.0.1:6379');
    await deleteRedisPrefix(redis, prefix).catch(() => undefined);
    redis.disconnect();
    await fake?.close();
    fs.rmSync(path.dirname(configFile), { recursive: true, force: true });
  });

  it('hands SIGTERM to the server (runtime flags kept), which finishes the request in flight, closes its port and exits', async () => {
    prefix = `{sbtest:start:${randomBytes(4).toString('hex')}}`;
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    npm = spawnProc(
      'npm',
      ['start'],
      {
        ...baseEnv(await createTestDatabase('start'), prefix, configFile),
        HOME: process.env.HOME ?? '/tmp',
        npm_config_update_notifier: 'false',
        PORT: String(port),
      },
      { detached: true },
    );
    await ready(base, npm);

    // npm's child is the server itself, with the start script's memory settings.
    const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(npm.child.pid)], { encoding: 'utf8' })
      .trim()
      .split(/\s+/)
      .map(Number);
    expect(children).toHaveLength(1);
    const gatewayPid = children[0];
    const cmdline = fs.readFileSync(`/proc/${gatewayPid}/cmdline`, 'utf8').split('\0');
    expect(cmdline).toEqual(
      expect.arrayContaining([
        '--max-semi-space-size=8',
        '--heap-growing-percent=20',
        '--liftoff-only',
        'dist/main.js',
      ]),
    );
    const environ = fs.readFileSync(`/proc/${gatewayPid}/environ`, 'utf8').split('\0');
    expect(environ).toEqual(expect.arrayContaining(['MALLOC_ARENA_MAX=2', 'MALLOC_TRIM_THRESHOLD_=1048576']));

    fake.script({ kind: 'slow', delayMs: 1500 });
    const inFlight = fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_MASTER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-fake', messages: [{ role: 'user', content: 'hi' }] }),
    });
    await waitUntil('the request to reach the upstream', async () => fake.chatRequests().length > 0, 10_000);
    const exited = new Promise<number | null>((resolve) => npm!.child.once('exit', (code) => resolve(code)));
    process.kill(npm.child.pid!, 'SIGTERM');

    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { choices: unknown[] }).choices).toHaveLength(1);
    expect(await exited).toBe(0);
    await waitUntil('the server process to end', async () => !alive(gatewayPid), 5_000);
    expect(await connects(port)).toBe(false);
  }, 60_000);
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
