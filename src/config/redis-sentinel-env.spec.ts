import { ConfigError } from './config-error';
import { loadRedisSentinel } from './redis-sentinel-env';

describe('loadRedisSentinel', () => {
  it('is undefined without REDIS_SENTINELS (a single node)', () => {
    expect(loadRedisSentinel({})).toBeUndefined();
  });

  it('reads host:port pairs, an IPv6 host in brackets and a host alone (port 26379)', () => {
    expect(
      loadRedisSentinel({
        REDIS_SENTINELS: 'a.example:26380, [::1]:5000,b',
        REDIS_SENTINEL_NAME: 'sbmaster',
        REDIS_SENTINEL_PASSWORD: 'pw',
      }),
    ).toEqual({
      sentinels: [
        { host: 'a.example', port: 26380 },
        { host: '::1', port: 5000 },
        { host: 'b', port: 26379 },
      ],
      name: 'sbmaster',
      password: 'pw',
    });
  });

  it.each([
    [{ REDIS_SENTINELS: 'a:1' }, 'REDIS_SENTINEL_NAME'],
    [{ REDIS_SENTINEL_NAME: 'm' }, 'REDIS_SENTINEL_NAME'],
    [{ REDIS_SENTINELS: 'a:1,,b:2', REDIS_SENTINEL_NAME: 'm' }, 'REDIS_SENTINELS'],
    [{ REDIS_SENTINELS: 'a:0', REDIS_SENTINEL_NAME: 'm' }, 'REDIS_SENTINELS'],
    [{ REDIS_SENTINELS: 'a:70000', REDIS_SENTINEL_NAME: 'm' }, 'REDIS_SENTINELS'],
    [{ REDIS_SENTINELS: 'a:b:c', REDIS_SENTINEL_NAME: 'm' }, 'REDIS_SENTINELS'],
  ])('refuses %j, naming %s', (env, variable) => {
    let err: unknown;
    try {
      loadRedisSentinel(env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).path).toBe(variable);
  });
});
