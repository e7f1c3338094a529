/** Gateway processes for e2e tests that need a real process (kill -9, signals, `npm start`). */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FakeOpenAi } from '../fakes/fake-openai';
import { fakeOpenAiCatalogYaml } from './catalog-yaml';
import { TEST_MASTER_KEY } from './gateway';

export const ROOT = path.join(__dirname, '..', '..');
export const MAIN = path.join(ROOT, 'dist/main.js');

function newestTs(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestTs(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when it is missing or older than a source file (tsc incremental: a few seconds). */
export function ensureBuilt(): void {
  if (fs.existsSync(MAIN) && fs.statSync(MAIN).mtimeMs >= newestTs(path.join(ROOT, 'src'))) return;
  const r = spawnSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    { cwd: ROOT, encoding: 'utf8', timeout: 180_000 },
  );
  // tsc still emits on type errors (someone else's work in progress); only a missing entry point is fatal.
  if (!fs.existsSync(MAIN)) throw new Error(`build failed: ${r.stdout}${r.stderr}`);
  if (r.status !== 0)
    console.warn(`tsc reported errors, testing the emitted dist/ anyway:\n${r.stdout.slice(0, 2000)}`);
  fs.utimesSync(MAIN, new Date(), new Date());
}

export interface Proc {
  child: ChildProcess;
  tail: () => string;
}

/**
 * A process of `command` in the project root, its output kept (the last 4,000 characters).
 * `detached`: its own process group, so a test can kill whatever it leaves behind.
 */
export function spawnProc(
  command: string,
  args: string[],
  env: Record<string, string>,
  opts: { detached?: boolean } = {},
): Proc {
  const child = spawn(command, args, {
    cwd: ROOT,
    detached: opts.detached ?? false,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (d: Buffer) => (tail = (tail + d.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { child, tail: () => tail };
}

/** `node dist/main.js` (without the start script's runtime flags). */
export function spawnGateway(env: Record<string, string>): Proc {
  return spawnProc(process.execPath, [MAIN], env);
}

export function kill9(p: Proc): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    p.child.once('exit', () => resolve());
    p.child.kill('SIGKILL');
  });
}

export async function stopGently(p: Proc | undefined): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const t = setTimeout(() => p.child.kill('SIGKILL'), 5000);
    p.child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    p.child.kill('SIGTERM');
  });
}

export async function waitUntil(
  what: string,
  fn: () => Promise<boolean>,
  ms: number,
  proc?: Proc,
): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (proc && proc.child.exitCode !== null)
      throw new Error(`${what}: process exited with ${proc.child.exitCode}: ${proc.tail()}`);
    if (await fn().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${proc ? `: ${proc.tail()}` : ''}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

export async function ready(base: string, proc: Proc, ms = 30_000): Promise<void> {
  await waitUntil(
    '/health/ready',
    async () => (await fetch(`${base}/health/ready`)).status === 200,
    ms,
    proc,
  );
}

/** The usual one-model YAML catalog on `fake`, in a temp file. */
export function yamlFile(fake: FakeOpenAi): string {
  const file = path.join(fs.mkdtempSync(path.join(tmpdir(), 'sb-kill-')), 'switchboard.yaml');
  fs.writeFileSync(file, fakeOpenAiCatalogYaml(fake.baseUrl));
  return file;
}

/** The environment of a gateway process on its own database and Redis prefix. */
export function baseEnv(databaseUrl: string, prefix: string, configFile: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: 'redis://127.0.0.1:6379',
    SWITCHBOARD_REDIS_PREFIX: prefix,
    SWITCHBOARD_MASTER_KEY: TEST_MASTER_KEY,
    SWITCHBOARD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SWITCHBOARD_CONFIG: configFile,
    SWITCHBOARD_ALLOW_PRIVATE_URLS: 'true',
    LOG_LEVEL: 'warn',
  };
}

/** Whether a TCP connection to the loopback `port` is accepted. */
export function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
