import type { Request } from 'express';
import { timingSafeEqual } from 'node:crypto';
import type { AppConfig } from '../../config/config.types';
import { AuthService } from './auth.service';
import type { Identity } from './identity';
import { KeyCache } from './key-cache';
import type { KeyLookupService, LoadedKey } from './key-lookup.service';

// timingSafeEqual is observed, not replaced: it still compares.
jest.mock('node:crypto', () => {
  const actual = jest.requireActual<typeof import('node:crypto')>('node:crypto');
  return { ...actual, timingSafeEqual: jest.fn(actual.timingSafeEqual) };
});

function setup(found: Record<string, LoadedKey>) {
  const calls: string[] = [];
  const touched: string[] = [];
  const lookup = {
    findByHash: async (hash: string) => {
      calls.push(hash);
      await new Promise((r) => setTimeout(r, 5));
      return found[hash];
    },
    touch: (id: string) => touched.push(id),
  } as unknown as KeyLookupService;
  const cache = new KeyCache();
  const auth = new AuthService({ masterKey: 'sk-master' } as AppConfig, cache, lookup);
  return { auth, calls, touched, cache };
}

const req = (key?: string) =>
  ({ headers: key ? { authorization: `Bearer ${key}` } : {}, query: {} }) as unknown as Request;
const identity: Identity = { kind: 'key', keyId: 'k1', role: 'member', allowedModels: [] };

describe('AuthService', () => {
  it('accepts the master key without any lookup', async () => {
    const { auth, calls } = setup({});
    await expect(auth.authenticate(req('sk-master'))).resolves.toMatchObject({
      kind: 'master',
      role: 'admin',
    });
    expect(calls).toHaveLength(0);
  });

  it('compares every presented key with the master key in constant time, on fixed-length digests', async () => {
    const compare = jest.mocked(timingSafeEqual);
    compare.mockClear();
    const { auth } = setup({});
    await expect(auth.authenticate(req('sk-master'))).resolves.toMatchObject({ kind: 'master' });
    await expect(auth.authenticate(req('sk-mastes'))).rejects.toMatchObject({ status: 401 });
    await expect(auth.authenticate(req('sk-master-and-more'))).rejects.toMatchObject({ status: 401 });
    expect(compare).toHaveBeenCalledTimes(3);
    for (const [a, b] of compare.mock.calls) expect([a.byteLength, b.byteLength]).toEqual([64, 64]);
  });

  it('refuses missing and unknown keys with one message, and asks the database once per unknown key', async () => {
    const { auth, calls } = setup({});
    await expect(auth.authenticate(req())).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => auth.authenticate(req('sk-sb-bad'))),
    );
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    await expect(auth.authenticate(req('sk-sb-bad'))).rejects.toMatchObject({ status: 401 });
    expect(calls).toHaveLength(1);
  });

  it('serves a known key from the cache after one lookup, and touches last_used_at', async () => {
    const { createHash } = await import('node:crypto');
    const hash = createHash('sha256').update('sk-sb-good').digest('hex');
    const { auth, calls, touched, cache } = setup({ [hash]: { identity, validUntil: Infinity } });
    await Promise.all([auth.authenticate(req('sk-sb-good')), auth.authenticate(req('sk-sb-good'))]);
    await auth.authenticate(req('sk-sb-good'));
    expect(calls).toHaveLength(1);
    expect(touched).toEqual(['k1', 'k1', 'k1']);
    cache.invalidate({ keyIds: ['k1'] });
    await auth.authenticate(req('sk-sb-good'));
    expect(calls).toHaveLength(2);
  });

  it('authorizes models by the effective allow-list', () => {
    const { auth } = setup({});
    expect(() => auth.authorizeModel({ ...identity, allowedModels: ['a/*'] }, 'a/b')).not.toThrow();
    expect(() => auth.authorizeModel({ ...identity, allowedModels: ['a/*'] }, 'b')).toThrow(
      expect.objectContaining({ status: 403, code: 'model_not_allowed' }),
    );
  });
});
