import { ConfigError } from './config-error';
import { hashTagged, loadRedisCluster, loadRedisTopology } from './redis-cluster-env';

describe('redis-cluster-env', () => {
  it('REDIS_CLUSTER_NODES: host:port list, a host alone on 6379, IPv6 in brackets', () => {
    expect(loadRedisCluster({ REDIS_CLUSTER_NODES: ' 10.0.0.1:7000, redis-b ,[::1]:7002' })).toEqual({
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: 'redis-b', port: 6379 },
        { host: '::1', port: 7002 },
      ],
    });
    expect(loadRedisCluster({})).toBeUndefined();
    expect(() => loadRedisCluster({ REDIS_CLUSTER_NODES: 'h:0' })).toThrow(ConfigError);
  });

  it('Sentinel and Cluster together are refused', () => {
    expect(() =>
      loadRedisTopology({ REDIS_CLUSTER_NODES: 'h:7000', REDIS_SENTINELS: 's', REDIS_SENTINEL_NAME: 'm' }),
    ).toThrow(/REDIS_CLUSTER_NODES/);
    expect(
      loadRedisTopology({ REDIS_SENTINELS: 's', REDIS_SENTINEL_NAME: 'm' }).redisCluster,
    ).toBeUndefined();
  });

  it('the key prefix becomes a hash tag, once', () => {
    expect(hashTagged('sb')).toBe('{sb}');
    expect(hashTagged('sbtest:1a2b')).toBe('{sbtest:1a2b}');
    expect(hashTagged('{sbtest:1a2b}')).toBe('{sbtest:1a2b}');
    expect(hashTagged('tenant-{a}')).toBe('tenant-{a}');
    // an empty tag hashes the whole key: wrapped
    expect(hashTagged('x{}')).toBe('{x{}}');
  });
});
