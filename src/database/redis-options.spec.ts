import { Cluster, type RedisOptions } from 'ioredis';
import { bullConnection, closeBullClusters, redisConnection } from './redis-options';

const sentinel = {
  redisUrl: 'rediss://user:p%40ss@ignored:6379/2',
  redisSentinel: { sentinels: [{ host: '10.0.0.1', port: 26379 }], name: 'sbmaster', password: 'spw' },
};

describe('redis-options', () => {
  it('a single node: REDIS_URL with the connection’s own options', () => {
    const conn = redisConnection({ redisUrl: 'redis://h:6390/3' }, 'main', {
      lazyConnect: true,
      commandTimeout: 2_000,
    });
    expect(conn.options).toMatchObject({
      host: 'h',
      port: 6390,
      db: 3,
      connectionName: 'switchboard-main',
      commandTimeout: 2_000,
    });
    expect(conn.options.sentinels).toBeFalsy();
    conn.disconnect();
  });

  it('Sentinel: the sentinels and master name, REDIS_URL’s credentials, database and TLS', () => {
    const conn = redisConnection(sentinel, 'limits', { lazyConnect: true, maxRetriesPerRequest: 1 });
    expect(conn.options).toMatchObject({
      sentinels: [{ host: '10.0.0.1', port: 26379 }],
      name: 'sbmaster',
      sentinelPassword: 'spw',
      username: 'user',
      password: 'p@ss',
      db: 2,
      tls: {},
      enableTLSForSentinelMode: true,
      failoverDetector: true,
      maxRetriesPerRequest: 1,
      connectionName: 'switchboard-limits',
    });
    const reconnect = conn.options.reconnectOnError!;
    expect(reconnect(new Error("READONLY You can't write against a read only replica."))).toBe(2);
    expect(reconnect(new Error('ERR unknown command'))).toBe(false);
    conn.disconnect();
  });

  it('BullMQ gets the same topology, with maxRetriesPerRequest null', () => {
    expect(bullConnection({ redisUrl: 'redis://:pw@h:6390' })).toMatchObject({
      host: 'h',
      port: 6390,
      username: undefined,
      password: 'pw',
      db: 0,
      tls: undefined,
      maxRetriesPerRequest: null,
    });
    expect((bullConnection({ redisUrl: 'redis://h' }) as RedisOptions).retryStrategy!(100)).toBe(2_000);
    expect(bullConnection(sentinel)).toMatchObject({
      sentinels: sentinel.redisSentinel.sentinels,
      name: 'sbmaster',
      password: 'p@ss',
      maxRetriesPerRequest: null,
    });
  });

  it('Cluster: the seed nodes, REDIS_URL’s credentials and TLS on every node, no resend after a closed connection', () => {
    const target = {
      redisUrl: 'rediss://user:pw@ignored:6379/2',
      redisCluster: { nodes: [{ host: '10.0.0.1', port: 7000 }] },
    };
    const conn = redisConnection(target, 'limits', {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      enableAutoPipelining: true,
    }) as unknown as Cluster;
    expect(conn).toBeInstanceOf(Cluster);
    expect(conn.options).toMatchObject({
      lazyConnect: true,
      enableAutoPipelining: true,
      retryDelayOnFailover: 0,
    });
    expect(conn.options.redisOptions).toMatchObject({
      username: 'user',
      password: 'pw',
      tls: {},
      db: undefined,
      maxRetriesPerRequest: 1,
      connectionName: 'switchboard-limits',
    });
    conn.disconnect();
    const bull = bullConnection(target) as Cluster;
    expect(bull).toBeInstanceOf(Cluster);
    expect(bull.options.redisOptions?.maxRetriesPerRequest).toBeNull();
    closeBullClusters(target);
    expect(bull.status).not.toBe('ready');
  });
});
