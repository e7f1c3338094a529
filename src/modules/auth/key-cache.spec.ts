import type { Identity } from './identity';
import { KeyCache } from './key-cache';

const ident = (keyId: string, teamId?: string): Identity => ({
  kind: 'key',
  keyId,
  teamId,
  role: 'member',
  allowedModels: [],
});

describe('KeyCache', () => {
  let t = 0;
  const cache = () =>
    new KeyCache({ ttlMs: 1000, negativeTtlMs: 100, maxEntries: 2, maxNegativeEntries: 2 }, () => t);
  beforeEach(() => (t = 0));

  it('hits until the TTL, then asks again', () => {
    const c = cache();
    c.set('h', ident('k'), Infinity, c.generation);
    expect(c.get('h')?.keyId).toBe('k');
    t = 1000;
    expect(c.get('h')).toBeUndefined();
  });

  it('refuses a cached key after its own expiry', () => {
    const c = cache();
    c.set('h', ident('k'), 500, c.generation);
    t = 499;
    expect(c.get('h')).not.toBeNull();
    t = 500;
    expect(c.get('h')).toBeNull();
  });

  it('remembers unknown keys briefly, with a bounded size', () => {
    const c = cache();
    c.setUnknown('a', c.generation);
    c.setUnknown('b', c.generation);
    c.setUnknown('c', c.generation);
    expect(c.size.unknown).toBe(2);
    expect(c.get('a')).toBeUndefined();
    expect(c.get('c')).toBeNull();
    t = 100;
    expect(c.get('c')).toBeUndefined();
  });

  it('invalidates by key id, hash and team, and ignores loads older than the invalidation', () => {
    const c = cache();
    c.set('h1', ident('k1', 't1'), Infinity, c.generation);
    c.set('h2', ident('k2', 't2'), Infinity, c.generation);
    c.invalidate({ keyIds: ['k1'] });
    expect(c.get('h1')).toBeUndefined();
    expect(c.get('h2')).toBeDefined();
    c.invalidate({ teamIds: ['t2'] });
    expect(c.get('h2')).toBeUndefined();
    const before = c.generation;
    c.invalidate({ hashes: ['h3'] });
    c.set('h3', ident('k3'), Infinity, before);
    expect(c.get('h3')).toBeUndefined();
  });
});
