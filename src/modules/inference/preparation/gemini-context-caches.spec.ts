import type { Logger } from '../../../common/logging/logger';
import type { ChatRequest } from '../../../providers/core/canonical';
import type { ProviderClient } from '../../../providers/core/provider-client';
import { ProviderError } from '../../../providers/core/provider-error';
import { geminiCtx } from '../../../providers/gemini/__fixtures__/gemini-context';
import { GatewayError } from '../../../common/errors/gateway-error';
import type { Identity } from '../../auth/identity';
import type { CacheChange, GeminiCacheChanges } from './gemini-cache-changes';
import type { GeminiCacheMetering } from './gemini-cache-metering';
import type { CachedContentRow, GeminiCacheRegistry } from './gemini-cache-registry';
import { GeminiContextCaches } from './gemini-context-caches';
import type { ResolvedModel } from '../../routing/catalog.types';

const member = (keyId: string): Identity => ({ kind: 'key', keyId, role: 'member', allowedModels: [] });
const serving = { requestedName: 'gemini-flash', model: { name: 'gemini-flash' } } as ResolvedModel;
const alice = member('key-alice');
const bob = member('key-bob');
const OWNED_BY_ALICE = {
  keyId: 'key-alice',
  teamId: null,
  model: 'models/gemini-flash',
  displayName: null,
  tokens: 100,
};

const marked = (text: string): ChatRequest => ({
  stream: false,
  messages: [
    { role: 'system', content: [{ type: 'text', text, cacheControl: { type: 'ephemeral', ttl: '600s' } }] },
    { role: 'user', content: [{ type: 'text', text: 'question' }] },
  ],
});

function setup(
  answers: Array<() => Promise<{ status: number; body: unknown }>>,
  rows: CachedContentRow[] = [],
  dbDown = false,
  refuseAdmission = false,
) {
  const sent: unknown[] = [];
  const client = {
    sendRaw: jest.fn(async (spec: { body?: unknown }) => {
      sent.push(JSON.parse(String(spec.body)));
      const next = answers.shift();
      if (!next) throw new Error('no scripted answer');
      return { ...(await next()), headers: {} };
    }),
  } as unknown as ProviderClient;
  const saved: CachedContentRow[] = [];
  const registry = {
    find: jest.fn(async (deploymentId: string, contentHash: string) => {
      if (dbDown) throw new Error('db down');
      return rows.find((r) => r.deploymentId === deploymentId && r.contentHash === contentHash) ?? null;
    }),
    save: jest.fn(async (row: CachedContentRow) => {
      if (dbDown) throw new Error('db down');
      saved.push(row);
    }),
  } as unknown as GeminiCacheRegistry;
  const logger = { warn: jest.fn(), info: jest.fn() } as unknown as Logger;
  const records: unknown[] = [];
  const metering = {
    admit: jest.fn(async () => {
      if (refuseAdmission) throw new GatewayError('budget_exceeded', 'Budget exceeded');
      return { admission: {} };
    }),
    record: jest.fn(async (_call: unknown, outcome: unknown) => void records.push(outcome)),
  } as unknown as GeminiCacheMetering;
  const listeners: Array<(change: CacheChange) => void> = [];
  const changes = {
    onChange: (listener: (change: CacheChange) => void) => listeners.push(listener),
  } as unknown as GeminiCacheChanges;
  return {
    caches: new GeminiContextCaches(client, registry, metering, logger, changes),
    change: (change: CacheChange) => listeners.forEach((l) => l(change)),
    client,
    registry,
    metering,
    records,
    sent,
    saved,
  };
}

const created =
  (name: string, inMs = 600_000) =>
  async () => ({
    status: 200,
    body: {
      name,
      expireTime: new Date(Date.now() + inMs).toISOString(),
      usageMetadata: { totalTokenCount: 4321 },
    },
  });
const cachedName = (r: ChatRequest) => r.extensions?.gemini?.cachedContent;

describe('GeminiContextCaches', () => {
  const ctx = geminiCtx();

  it('creates once for concurrent identical requests, stores the row, then answers from memory', async () => {
    const { caches, client, registry, saved, sent } = setup([created('cachedContents/a')]);
    const out = await Promise.all([1, 2, 3].map(() => caches.apply(marked('doc'), ctx, alice, serving)));
    expect(out.map(cachedName)).toEqual(['cachedContents/a', 'cachedContents/a', 'cachedContents/a']);
    expect(out[0].messages).toEqual([marked('doc').messages[1]]);
    expect(client.sendRaw).toHaveBeenCalledTimes(1);
    expect(sent[0]).toMatchObject({ ttl: '600s', systemInstruction: { parts: [{ text: 'doc' }] } });
    expect(saved).toEqual([
      expect.objectContaining({
        deploymentId: 'dep-1',
        upstreamName: 'cachedContents/a',
        contentHash: expect.stringMatching(/^key-alice\/switchboard-/),
      }),
    ]);
    await caches.apply(marked('doc'), ctx, alice, serving);
    expect(registry.find).toHaveBeenCalledTimes(1);
  });

  it('drops a cache deleted through the API and stops reusing one shortened through it (on any replica)', async () => {
    const { caches, client, change } = setup([
      created('cachedContents/a'),
      created('cachedContents/b'),
      created('cachedContents/c'),
    ]);
    expect(cachedName(await caches.apply(marked('doc'), ctx, alice, serving))).toBe('cachedContents/a');
    change({ name: 'cachedContents/other', gone: true });
    expect(cachedName(await caches.apply(marked('doc'), ctx, alice, serving))).toBe('cachedContents/a');
    change({ name: 'cachedContents/a', gone: true });
    expect(cachedName(await caches.apply(marked('doc'), ctx, alice, serving))).toBe('cachedContents/b');
    change({ name: 'cachedContents/b', expiresAt: Date.now() + 1000 });
    expect(cachedName(await caches.apply(marked('doc'), ctx, alice, serving))).toBe('cachedContents/c');
    expect(client.sendRaw).toHaveBeenCalledTimes(3);
  });

  it('reuses a live row from the table (another replica made it) and replaces one about to expire', async () => {
    const probe = setup([created('cachedContents/probe')]);
    await probe.caches.apply(marked('doc'), ctx, alice, serving);
    const hash = probe.saved[0].contentHash;
    const live = setup(
      [],
      [
        {
          deploymentId: 'dep-1',
          contentHash: hash,
          upstreamName: 'cachedContents/shared',
          expiresAt: new Date(Date.now() + 60_000),
          ...OWNED_BY_ALICE,
        },
      ],
    );
    expect(cachedName(await live.caches.apply(marked('doc'), ctx, alice, serving))).toBe(
      'cachedContents/shared',
    );
    expect(live.client.sendRaw).not.toHaveBeenCalled();
    const stale = setup(
      [created('cachedContents/fresh')],
      [
        {
          deploymentId: 'dep-1',
          contentHash: hash,
          upstreamName: 'cachedContents/old',
          expiresAt: new Date(Date.now() + 1000),
          ...OWNED_BY_ALICE,
        },
      ],
    );
    expect(cachedName(await stale.caches.apply(marked('doc'), ctx, alice, serving))).toBe(
      'cachedContents/fresh',
    );
    // Another deployment never shares it.
    const other = setup(
      [created('cachedContents/b')],
      [
        {
          deploymentId: 'dep-1',
          contentHash: hash,
          upstreamName: 'cachedContents/shared',
          expiresAt: new Date(Date.now() + 60_000),
          ...OWNED_BY_ALICE,
        },
      ],
    );
    expect(
      cachedName(await other.caches.apply(marked('doc'), geminiCtx({ id: 'dep-2' }), alice, serving)),
    ).toBe('cachedContents/b');
  });

  it('sends the content uncached when Gemini refuses (and remembers a 400), or when creation fails', async () => {
    const tooSmall = async () => ({
      status: 400,
      body: { error: { code: 400, message: 'Cached content is too small.' } },
    });
    const refused = setup([tooSmall]);
    expect(await refused.caches.apply(marked('tiny'), ctx, alice, serving)).toEqual(marked('tiny'));
    expect(await refused.caches.apply(marked('tiny'), ctx, alice, serving)).toEqual(marked('tiny'));
    expect(refused.client.sendRaw).toHaveBeenCalledTimes(1);

    const flaky = setup([async () => ({ status: 503, body: {} }), created('cachedContents/c')]);
    expect(cachedName(await flaky.caches.apply(marked('doc'), ctx, alice, serving))).toBeUndefined();
    expect(cachedName(await flaky.caches.apply(marked('doc'), ctx, alice, serving))).toBe('cachedContents/c');

    const down = setup([
      async () => Promise.reject(new ProviderError({ kind: 'connection', message: 'reset' })),
    ]);
    expect(await down.caches.apply(marked('doc'), ctx, alice, serving)).toEqual(marked('doc'));
  });

  it('works without Postgres, rethrows client aborts, and leaves requests without markers or with their own cache alone', async () => {
    const noDb = setup([created('cachedContents/d')], [], true);
    expect(cachedName(await noDb.caches.apply(marked('doc'), ctx, alice, serving))).toBe('cachedContents/d');

    const aborted = setup([
      async () =>
        Promise.reject(
          new ProviderError({
            kind: 'connection',
            upstreamCode: 'client_aborted',
            message: 'request aborted',
          }),
        ),
    ]);
    await expect(aborted.caches.apply(marked('doc'), ctx, alice, serving)).rejects.toMatchObject({
      upstreamCode: 'client_aborted',
    });

    const idle = setup([]);
    const plain: ChatRequest = {
      stream: false,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    };
    expect(await idle.caches.apply(plain, ctx, alice, serving)).toBe(plain);
    const own = { ...marked('doc'), extensions: { gemini: { cachedContent: 'cachedContents/mine' } } };
    expect(await idle.caches.apply(own, ctx, alice, serving)).toBe(own);
    expect(idle.client.sendRaw).not.toHaveBeenCalled();
  });

  it('keys each cache by its owner: another key never gets it, from memory or from the table', async () => {
    const { caches, client, saved } = setup([created('cachedContents/alice'), created('cachedContents/bob')]);
    expect(cachedName(await caches.apply(marked('doc'), ctx, alice, serving))).toBe('cachedContents/alice');
    expect(cachedName(await caches.apply(marked('doc'), ctx, bob, serving))).toBe('cachedContents/bob');
    expect(client.sendRaw).toHaveBeenCalledTimes(2);
    expect(saved.map((r) => [r.keyId, r.contentHash.split('/')[0], r.tokens])).toEqual([
      ['key-alice', 'key-alice', 4321],
      ['key-bob', 'key-bob', 4321],
    ]);
    const replica = setup([created('cachedContents/bob2')], [{ ...saved[0] }]);
    expect(cachedName(await replica.caches.apply(marked('doc'), ctx, bob, serving))).toBe(
      'cachedContents/bob2',
    );
  });

  it('meters each creation (tokens Gemini counted, the requested ttl) and sends uncached when the limits refuse it', async () => {
    const { caches, records, metering } = setup([created('cachedContents/m')]);
    await caches.apply(marked('doc'), ctx, alice, serving);
    expect(metering.admit).toHaveBeenCalledWith(
      expect.objectContaining({ keyId: 'key-alice' }),
      ctx.requestId,
      'cache_create',
      { publicName: 'gemini-flash', name: 'gemini-flash' },
      ctx.deployment.upstreamModel,
      expect.objectContaining({ seconds: '600', write: true }),
    );
    expect(records).toEqual([
      expect.objectContaining({ status: 200, charge: { tokens: 4321, seconds: '600', write: true } }),
    ]);
    const broke = setup([created('cachedContents/never')], [], false, true);
    expect(await broke.caches.apply(marked('doc'), ctx, alice, serving)).toEqual(marked('doc'));
    expect(broke.client.sendRaw).not.toHaveBeenCalled();
  });
});
