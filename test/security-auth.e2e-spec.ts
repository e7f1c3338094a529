import { randomBytes } from 'node:crypto';
import { AdminClient, type KeyWithSecretsResponse } from './support/admin-client';
import { startGateway, type TestGateway } from './support/gateway';
import { expireKey } from './support/security';

/**
 * Issue 18, item 2: key enumeration. A missing, malformed, revoked, expired or wrong-secret key gets
 * the byte-identical 401 of its dialect, and the time of a refusal says nothing about whether the
 * key's visible part (its `key_prefix`) belongs to a real key.
 */

/** One route per client dialect, with the header its SDK sends the key in. */
const DIALECTS: Array<{ dialect: string; method: string; path: string; header: string; body?: unknown }> = [
  {
    dialect: 'openai',
    method: 'POST',
    path: '/v1/chat/completions',
    header: 'authorization',
    body: { model: 'demo', messages: [{ role: 'user', content: 'hi' }] },
  },
  {
    dialect: 'anthropic',
    method: 'POST',
    path: '/v1/messages',
    header: 'x-api-key',
    body: { model: 'demo', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] },
  },
  {
    dialect: 'google',
    method: 'POST',
    path: '/v1beta/models/demo:generateContent',
    header: 'x-goog-api-key',
    body: { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] },
  },
  { dialect: 'kling', method: 'GET', path: '/kling/v1/videos/text2video/abc', header: 'authorization' },
  {
    dialect: 'seedance',
    method: 'GET',
    path: '/seedance/api/v3/contents/generations/tasks/cgt-abc',
    header: 'authorization',
  },
  { dialect: 'admin', method: 'GET', path: '/admin/teams', header: 'authorization' },
];

/** A syntactically valid key nobody was given: `sk-sb-` and 43 URL-safe characters. */
const randomKey = () => `sk-sb-${randomBytes(32).toString('base64url')}`;

describe('security: failed authentication says nothing', () => {
  let gw: TestGateway;
  let live: KeyWithSecretsResponse;
  const refused: Record<string, string | undefined> = {};

  beforeAll(async () => {
    gw = await startGateway();
    const admin = new AdminClient(gw.url, gw.masterKey);
    live = await admin.createKey({ role: 'admin' });
    const revoked = await admin.createKey({ role: 'admin' });
    await admin.revokeKey(revoked.id);
    const expired = await admin.createKey({ role: 'admin' });
    await expireKey(gw.config.databaseUrl, expired.id);
    Object.assign(refused, {
      missing: undefined,
      empty: '',
      malformed: 'not a key at all',
      'wrong format': 'sk-sb-short',
      unknown: randomKey(),
      revoked: revoked.key,
      expired: expired.key,
      // The real key's prefix (what an admin list shows) with another secret.
      'wrong secret': `${live.key.slice(0, 12)}${randomKey().slice(12)}`,
      'the real key with one character changed': `${live.key.slice(0, -1)}${live.key.endsWith('A') ? 'B' : 'A'}`,
    });
  });

  afterAll(async () => gw?.close());

  async function attempt(d: (typeof DIALECTS)[number], key: string | undefined) {
    const value = key === undefined ? undefined : d.header === 'authorization' ? `Bearer ${key}` : key;
    const res = await fetch(`${gw.url}${d.path}`, {
      method: d.method,
      headers: {
        ...(value === undefined ? {} : { [d.header]: value }),
        ...(d.body === undefined ? {} : { 'content-type': 'application/json' }),
        'x-request-id': 'req_same_for_all',
      },
      body: d.body === undefined ? undefined : JSON.stringify(d.body),
    });
    return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
  }

  it.each(DIALECTS.map((d) => [d.dialect, d]))('%s: every bad key gets the same bytes', async (_name, d) => {
    const answers: Record<string, { status: number; type: string | null; body: string }> = {};
    for (const [what, key] of Object.entries(refused)) answers[what] = await attempt(d, key);
    const first = answers.missing;
    expect(first.status).toBe(401);
    for (const [what, a] of Object.entries(answers)) expect({ what, ...a }).toEqual({ what, ...first });
    // The live key works on the same route (the refusals are about the key, not the request).
    expect((await attempt(d, live.key)).status).not.toBe(401);
  });

  /**
   * An unknown key and a key with a real key's prefix but a wrong secret take the same path (the
   * lookup is by the SHA-256 of the whole key, compared in constant time): their latencies, measured
   * in interleaved pairs so load on the machine hits both alike, differ by noise only.
   */
  it('no timing signal between an unknown key and a known prefix with a wrong secret', async () => {
    const d = DIALECTS[0];
    const sample = async (key: string) => {
      const t0 = performance.now();
      const r = await attempt(d, key);
      const ms = performance.now() - t0;
      expect(r.status).toBe(401);
      return ms;
    };
    const wrongSecret = () => `${live.key.slice(0, 12)}${randomKey().slice(12)}`;
    for (let i = 0; i < 20; i++) await sample(i % 2 ? randomKey() : wrongSecret()); // warm-up
    const unknown: number[] = [];
    const known: number[] = [];
    const diffs: number[] = [];
    for (let i = 0; i < 200; i++) {
      // Fresh keys each time (a repeated key would be answered from the negative cache); alternate
      // which goes first so a drift in load does not favour one side.
      let a: number;
      let b: number;
      if (i % 2) {
        a = await sample(randomKey());
        b = await sample(wrongSecret());
      } else {
        b = await sample(wrongSecret());
        a = await sample(randomKey());
      }
      unknown.push(a);
      known.push(b);
      diffs.push(b - a);
    }
    const medianUnknown = median(unknown);
    const medianKnown = median(known);
    const medianDiff = median(diffs);
    // Within 0.5 ms, or within 15% of the latency itself when the machine is slow.
    const tolerance = Math.max(0.5, 0.15 * Math.min(medianUnknown, medianKnown));
    expect({ medianDiff: Math.abs(medianDiff) < tolerance, medianUnknown, medianKnown }).toEqual({
      medianDiff: true,
      medianUnknown,
      medianKnown,
    });
  });
});

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
