import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';

/**
 * A private, throwaway `redis-server` (no persistence) on a free port, for tests that stop Redis.
 * The shared server on 6379 is never touched. `stop()` kills the process; `start()` brings a fresh,
 * empty server back on the same port (a restart without persistence loses the data, as in production).
 */
export interface PrivateRedis {
  port: number;
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Freezes (SIGSTOP) or thaws (SIGCONT) the server: connections stay open but nothing answers. */
  freeze(): void;
  thaw(): void;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.end('PING\r\n');
        s.once('data', (d) => resolve(d.toString().startsWith('+PONG')));
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`redis-server did not answer on port ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `extraArgs`: more redis-server options (e.g. `--cluster-enabled yes`). */
export async function startPrivateRedis(extraArgs: string[] = []): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    // Already running: a second server could not bind the port, and the first would be left behind.
    if (child && child.exitCode === null && child.signalCode === null) return;
    const proc = spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
        '--loglevel',
        'warning',
        ...extraArgs,
      ],
      {
        stdio: 'ignore',
      },
    );
    child = proc;
    await waitForPort(port, proc);
  };
  const stop = async () => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGCONT');
      proc.kill('SIGKILL');
    });
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
  };
}

/**
 * A private Sentinel set: a primary, one replica (`--replicaof` the primary) and `sentinels`
 * `redis-server --sentinel` processes monitoring them as `masterName` (quorum 1, down after 1 s), all
 * on free loopback ports with their configs in a temporary directory. `env` is what a gateway needs to
 * use it. `stop()` kills every process of the set.
 */
export interface PrivateSentinelSet {
  masterName: string;
  /** The first primary and replica; after a failover the replica is the primary. */
  primary: PrivateRedis;
  replica: PrivateRedis;
  sentinelPorts: number[];
  env: { REDIS_SENTINELS: string; REDIS_SENTINEL_NAME: string };
  /** The primary's port as the first sentinel reports it now. */
  primaryPort(): Promise<number>;
  stop(): Promise<void>;
}

export async function startPrivateSentinelSet(sentinels = 1): Promise<PrivateSentinelSet> {
  const masterName = 'sbmaster';
  const primary = await startPrivateRedis();
  const replica = await startPrivateRedis(['--replicaof', '127.0.0.1', String(primary.port)]);
  const ask = async <T>(port: number, ...args: string[]): Promise<T> => {
    const conn = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await conn.connect();
      return (await conn.call(args[0], ...args.slice(1))) as T;
    } finally {
      conn.disconnect();
    }
  };
  const until = async (what: string, check: () => Promise<boolean>, ms = 10_000) => {
    const end = Date.now() + ms;
    while (!(await check().catch(() => false))) {
      if (Date.now() > end) throw new Error(`sentinel set: ${what} not within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  // The sentinel learns the replica from the primary's INFO: the link must be up first.
  await until('replica link', async () =>
    (await ask<string>(replica.port, 'INFO', 'replication')).includes('master_link_status:up'),
  );
  const dir = mkdtempSync(path.join(tmpdir(), 'sb-sentinel-'));
  const procs: ChildProcess[] = [];
  const sentinelPorts: number[] = [];
  for (let i = 0; i < sentinels; i++) {
    const port = await freePort();
    const conf = path.join(dir, `sentinel-${port}.conf`);
    writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${masterName} 127.0.0.1 ${primary.port} 1`,
        `sentinel down-after-milliseconds ${masterName} 1000`,
        `sentinel failover-timeout ${masterName} 5000`,
        '',
      ].join('\n'),
    );
    const proc = spawn('redis-server', [conf, '--sentinel', '--loglevel', 'warning'], { stdio: 'ignore' });
    procs.push(proc);
    sentinelPorts.push(port);
    await waitForPort(port, proc);
  }
  // Ready once every sentinel knows the replica (a failover needs one to promote).
  for (const port of sentinelPorts)
    await until('replica discovery', async () => {
      const replicas = await ask<string[][]>(port, 'SENTINEL', 'REPLICAS', masterName);
      return replicas.some((r) => r[r.indexOf('port') + 1] === String(replica.port));
    });
  return {
    masterName,
    primary,
    replica,
    sentinelPorts,
    env: {
      REDIS_SENTINELS: sentinelPorts.map((p) => `127.0.0.1:${p}`).join(','),
      REDIS_SENTINEL_NAME: masterName,
    },
    primaryPort: async () =>
      Number((await ask<string[]>(sentinelPorts[0], 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName))[1]),
    stop: async () => {
      await Promise.all(
        procs.map(
          (p) =>
            new Promise<void>((resolve) => {
              if (p.exitCode !== null || p.signalCode !== null) return resolve();
              p.once('exit', () => resolve());
              p.kill('SIGKILL');
            }),
        ),
      );
      await Promise.all([primary.stop(), replica.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A private Redis Cluster: `masters` masters with one replica each (`redis-server --cluster-enabled yes`
 * on free loopback ports, node timeout 1 s so a replica takes over a killed master within seconds),
 * made with `redis-cli --cluster create`. `env` is what a gateway needs to use it. `stop()` kills
 * every node and removes their files.
 */
export interface PrivateRedisCluster {
  nodes: PrivateRedis[];
  env: { REDIS_CLUSTER_NODES: string };
  /** The node serving `key`'s slot now (as the cluster's view from a live node says), and its replica. */
  shardOf(key: string): Promise<{ master: PrivateRedis; replica?: PrivateRedis }>;
  stop(): Promise<void>;
}

export async function startPrivateRedisCluster(masters = 3): Promise<PrivateRedisCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sb-cluster-'));
  const nodes = await Promise.all(
    Array.from({ length: masters * 2 }, (_, i) =>
      startPrivateRedis([
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        path.join(dir, `nodes-${i}.conf`),
        '--cluster-node-timeout',
        '1000',
        '--cluster-replica-validity-factor',
        '0',
        '--dir',
        dir,
      ]),
    ),
  );
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  const ask = async <T>(port: number, ...args: string[]): Promise<T> => {
    const conn = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await conn.connect();
      return (await conn.call(args[0], ...args.slice(1))) as T;
    } finally {
      conn.disconnect();
    }
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const cli = spawn(
        'redis-cli',
        [
          '--cluster',
          'create',
          ...nodes.map((n) => `127.0.0.1:${n.port}`),
          '--cluster-replicas',
          '1',
          '--cluster-yes',
        ],
        { stdio: 'ignore' },
      );
      cli.once('error', reject);
      cli.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`redis-cli --cluster create: ${code}`)),
      );
    });
    // Ready once every node sees the whole cluster up and every replica has synced with its master.
    const end = Date.now() + 20_000;
    for (const n of nodes)
      for (;;) {
        const ok = await Promise.all([
          ask<string>(n.port, 'CLUSTER', 'INFO'),
          ask<string>(n.port, 'INFO', 'replication'),
        ]).then(
          ([info, repl]) =>
            info.includes('cluster_state:ok') &&
            info.includes(`cluster_known_nodes:${nodes.length}`) &&
            (repl.includes('role:master') || repl.includes('master_link_status:up')),
          () => false,
        );
        if (ok) break;
        if (Date.now() > end) throw new Error(`redis cluster: node ${n.port} not ready within 20 s`);
        await new Promise((r) => setTimeout(r, 100));
      }
  } catch (err) {
    await stop();
    throw err;
  }
  const shardOf = async (key: string) => {
    const live = [];
    for (const n of nodes) {
      const view = await ask<string>(n.port, 'CLUSTER', 'NODES').catch(() => undefined);
      if (view) live.push(view);
    }
    const lines = (live[0] ?? '')
      .trim()
      .split('\n')
      .map((l) => l.split(' '));
    const slot = await ask<number>(
      Number(lines.find((l) => l[2].includes('myself'))![1].split(/[:@]/)[1]),
      'CLUSTER',
      'KEYSLOT',
      key,
    );
    const byPort = (addr: string) => nodes.find((n) => n.port === Number(addr.split(/[:@]/)[1]))!;
    const master = lines.find(
      (l) =>
        l[2].includes('master') &&
        !l[2].includes('fail') &&
        l.slice(8).some((r) => {
          const [from, to = from] = r.split('-').map(Number);
          return slot >= from && slot <= to;
        }),
    );
    if (!master) throw new Error(`redis cluster: no master serves slot ${slot}`);
    const replica = lines.find((l) => l[3] === master[0] && !l[2].includes('fail'));
    return { master: byPort(master[1]), replica: replica && byPort(replica[1]) };
  };
  return {
    nodes,
    env: { REDIS_CLUSTER_NODES: nodes.map((n) => `127.0.0.1:${n.port}`).join(',') },
    shardOf,
    stop,
  };
}
