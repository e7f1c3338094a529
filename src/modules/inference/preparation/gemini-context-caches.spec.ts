import type { Logger } from '../../../common/logging/logger';
import type { ChatRequest } from '../../../providers/core/canonical';
import type { ProviderClient } from '../../../providers/core/provider-client';
import { ProviderError } from '../../../providers/core/provider-error';
import { geminiCtx } from '../../../providers/gemini/__fixtures__/gemini-context';
import type { CachedContentRow, GeminiCacheRegistry } from './gemini-cache-registry';
import { GeminiContextCaches } from './gemini-context-caches';

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
  return { caches: new GeminiContextCaches(client, registry, logger), client, registry, sent, saved };
}

const created =
  (name: string, inMs = 600_000) =>
  async () => ({ status: 200, body: { name, expireTime: new Date(Date.now() + inMs).toISOString() } });
const cachedName = (r: ChatRequest) => r.extensions?.gemini?.cachedContent;

describe('GeminiContextCaches', () => {
  const ctx = geminiCtx();

  it('creates once for concurrent identical requests, stores the row, then answers from memory', async () => {
    const { caches, client, registry, saved, sent } = setup([created('cachedContents/a')]);
    const out = await Promise.all([1, 2, 3].map(() => caches.apply(marked('doc'), ctx)));
    expect(out.map(cachedName)).toEqual(['cachedContents/a', 'cachedContents/a', 'cachedContents/a']);
    expect(out[0].messages).toEqual([marked('doc').messages[1]]);
    expect(client.sendRaw).toHaveBeenCalledTimes(1);
    expect(sent[0]).toMatchObject({ ttl: '600s', systemInstruction: { parts: [{ text: 'doc' }] } });
    expect(saved).toEqual([
      expect.objectContaining({
        deploymentId: 'dep-1',
        upstreamName: 'cachedContents/a',
        contentHash: expect.stringMatching(/^switchboard-/),
      }),
    ]);
    await caches.apply(marked('doc'), ctx);
    expect(registry.find).toHaveBeenCalledTimes(1);
  });

  it('reuses a live row from the table (another replica made it) and replaces one about to expire', async () => {
    const probe = setup([created('cachedContents/probe')]);
    await probe.caches.apply(marked('doc'), ctx);
    const hash = probe.saved[0].contentHash;
    const live = setup(
      [],
      [
        {
          deploymentId: 'dep-1',
          contentHash: hash,
          upstreamName: 'cachedContents/shared',
          expiresAt: new Date(Date.now() + 60_000),
        },
      ],
    );
    expect(cachedName(await live.caches.apply(marked('doc'), ctx))).toBe('cachedContents/shared');
    expect(live.client.sendRaw).not.toHaveBeenCalled();
    const stale = setup(
      [created('cachedContents/fresh')],
      [
        {
          deploymentId: 'dep-1',
          contentHash: hash,
          upstreamName: 'cachedContents/old',
          expiresAt: new Date(Date.now() + 1000),
        },
      ],
    );
    expect(cachedName(await stale.caches.apply(marked('doc'), ctx))).toBe('cachedContents/fresh');
    // Another deployment never shares it.
    const other = setup(
      [created('cachedContents/b')],
      [
        {
          deploymentId: 'dep-1',
          contentHash: hash,
          upstreamName: 'cachedContents/shared',
          expiresAt: new Date(Date.now() + 60_000),
        },
      ],
    );
    expect(cachedName(await other.caches.apply(marked('doc'), geminiCtx({ id: 'dep-2' })))).toBe(
      'cachedContents/b',
    );
  });

  it('sends the content uncached when Gemini refuses (and remembers a 400), or when creation fails', async () => {
    const tooSmall = async () => ({
      status: 400,
      body: { error: { code: 400, message: 'Cached content is too small.' } },
    });
    const refused = setup([tooSmall]);
    expect(await refused.caches.apply(marked('tiny'), ctx)).toEqual(marked('tiny'));
    expect(await refused.caches.apply(marked('tiny'), ctx)).toEqual(marked('tiny'));
    expect(refused.client.sendRaw).toHaveBeenCalledTimes(1);

    const flaky = setup([async () => ({ status: 503, body: {} }), created('cachedContents/c')]);
    expect(cachedName(await flaky.caches.apply(marked('doc'), ctx))).toBeUndefined();
    expect(cachedName(await flaky.caches.apply(marked('doc'), ctx))).toBe('cachedContents/c');

    const down = setup([
      async () => Promise.reject(new ProviderError({ kind: 'connection', message: 'reset' })),
    ]);
    expect(await down.caches.apply(marked('doc'), ctx)).toEqual(marked('doc'));
  });

  it('works without Postgres, rethrows client aborts, and leaves requests without markers or with their own cache alone', async () => {
    const noDb = setup([created('cachedContents/d')], [], true);
    expect(cachedName(await noDb.caches.apply(marked('doc'), ctx))).toBe('cachedContents/d');

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
    await expect(aborted.caches.apply(marked('doc'), ctx)).rejects.toMatchObject({
      upstreamCode: 'client_aborted',
    });

    const idle = setup([]);
    const plain: ChatRequest = {
      stream: false,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    };
    expect(await idle.caches.apply(plain, ctx)).toBe(plain);
    const own = { ...marked('doc'), extensions: { gemini: { cachedContent: 'cachedContents/mine' } } };
    expect(await idle.caches.apply(own, ctx)).toBe(own);
    expect(idle.client.sendRaw).not.toHaveBeenCalled();
  });
});
