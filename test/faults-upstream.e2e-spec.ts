import { anthropicError, startFakeAnthropic } from './fakes/fake-anthropic';
import { ensureUndiciGlobalDispatcher, googleError, startFakeGemini } from './fakes/fake-gemini';
import type { FakeServer, WireFault } from './fakes/fake-http';
import { startFakeOpenAi } from './fakes/fake-openai';
import { AdminClient, type UsageLogPage, type UsageLogResponse } from './support/admin-client';
import {
  ANTHROPIC_CALLER,
  GOOGLE_CALLER,
  OPENAI_CALLER,
  type DialectCaller,
  type Seen,
} from './support/dialect-callers';
import { eventually } from './support/eventually';
import { startGateway, type TestGateway } from './support/gateway';
import { freePort } from './support/redis-server';

/** Short timeouts, so that a timeout costs the suite well under a second. */
const TIMEOUTS = 'connect_timeout_ms: 300, timeout_ms: 400, stream_idle_timeout_ms: 400';

/** One dialect's rig: its SDK, a model on two deployments of its native provider, and their fakes. */
interface Rig {
  caller: DialectCaller;
  provider: 'openai' | 'anthropic' | 'gemini';
  /** Serves first (priority 0). */
  primary: FakeServer;
  /** Serves when the primary failed (priority 1): the retry. */
  secondary: FakeServer;
  /** The provider's error body for a status (what a storm answers). */
  errorBody(status: number): unknown;
  baseUrl(fake: FakeServer): string;
  apiKey: string;
}

async function startRigs(): Promise<Rig[]> {
  ensureUndiciGlobalDispatcher();
  const [oa1, oa2] = await Promise.all([startFakeOpenAi(), startFakeOpenAi()]);
  const [an1, an2] = await Promise.all([startFakeAnthropic(), startFakeAnthropic()]);
  const [ge1, ge2] = await Promise.all([startFakeGemini(), startFakeGemini()]);
  return [
    {
      caller: OPENAI_CALLER,
      provider: 'openai',
      primary: oa1,
      secondary: oa2,
      errorBody: (status) => ({
        error: { message: `fake ${status}`, type: 'server_error', param: null, code: null },
      }),
      baseUrl: (f) => `${f.baseUrl}/v1`,
      apiKey: 'sk-fake',
    },
    {
      caller: ANTHROPIC_CALLER,
      provider: 'anthropic',
      primary: an1,
      secondary: an2,
      errorBody: (status) =>
        anthropicError(status === 429 ? 'rate_limit_error' : 'api_error', `fake ${status}`),
      baseUrl: (f) => f.baseUrl,
      apiKey: an1.apiKey,
    },
    {
      caller: GOOGLE_CALLER,
      provider: 'gemini',
      primary: ge1,
      secondary: ge2,
      errorBody: (status) => googleError(status, `fake ${status}`),
      baseUrl: (f) => f.baseUrl,
      apiKey: ge1.apiKey,
    },
  ];
}

/** Per dialect: `<dialect>-model` on two deployments (primary first), `<dialect>-refused` on a port nothing listens on. */
function catalogYaml(rigs: Rig[], dead: number): string {
  const deployment = (rig: Rig, url: string, priority: number) =>
    `      - { provider: ${rig.provider}, upstream_model: ${upstreamModel(rig)}, base_url: "${url}", api_key: "${rig.apiKey}", priority: ${priority}, ${TIMEOUTS} }`;
  const models = rigs.flatMap((rig) => [
    `  - model_name: ${rig.caller.dialect}-model`,
    '    deployments:',
    deployment(rig, rig.baseUrl(rig.primary), 0),
    deployment(rig, rig.baseUrl(rig.secondary), 1),
    `  - model_name: ${rig.caller.dialect}-refused`,
    '    deployments:',
    deployment(rig, rig.baseUrl({ baseUrl: `http://127.0.0.1:${dead}` } as FakeServer), 0),
  ]);
  // One retry (the second deployment); cooldowns out of the way (routing.e2e-spec covers them).
  return `router:\n  retries: 1\n  cooldown: { failures: 1000 }\nmodels:\n${models.join('\n')}\n`;
}

function upstreamModel(rig: Rig): string {
  return { openai: 'gpt-4o-mini', anthropic: 'claude-sonnet-4-5', gemini: 'gemini-2.5-flash' }[rig.provider];
}

/** Where a fault is injected: both deployments (the caller sees it) or the primary only (the retry hides it). */
type Where = 'both' | 'primary' | 'none';

/** What the caller sees, and what is recorded. */
interface Expected {
  /** The HTTP status of the answer (200 for a stream that began, even if it failed later). */
  status: number;
  /** The gateway's error code, in the dialect's error (before the stream, or in-band after it began). */
  code?: 'upstream_error' | 'upstream_timeout' | 'rate_limit_exceeded';
  /** Status of the failure told in-band after the stream began (502 or 504). */
  midStream?: number;
  retryAfter?: string;
  /** `status_code` of the call's one usage record. */
  record: number;
  /** Requests the primary and the secondary deployment received (no extra attempt, none lost). */
  attempts?: [number, number];
}

interface FaultCase {
  name: string;
  stream: boolean;
  where: Where;
  fault: (rig: Rig) => WireFault | undefined;
  /** Use the model whose only deployment is on a dead port. */
  refused?: boolean;
  expected: Expected;
}

const status = (rig: Rig, code: number, headers?: Record<string, string>): WireFault => ({
  kind: 'status',
  status: code,
  body: rig.errorBody(code),
  headers,
});
const BAD_GATEWAY: Expected = { status: 502, code: 'upstream_error', record: 502, attempts: [1, 1] };
const TIMED_OUT: Expected = { status: 504, code: 'upstream_timeout', record: 504, attempts: [1, 1] };
const RETRIED: Expected = { status: 200, record: 200, attempts: [1, 1] };

/**
 * The table: each fault, streamed or not, what the caller sees. `both`: every deployment fails the
 * same way (one retry, then the error); `primary`: the retry on the second deployment hides it, unless
 * the stream had begun (a stream is never retried after its first byte).
 */
const CASES: FaultCase[] = [
  {
    name: 'connection refused',
    stream: false,
    where: 'none',
    fault: () => undefined,
    refused: true,
    expected: { ...BAD_GATEWAY, attempts: undefined },
  },
  {
    name: 'connection refused, stream',
    stream: true,
    where: 'none',
    fault: () => undefined,
    refused: true,
    expected: { ...BAD_GATEWAY, attempts: undefined },
  },
  {
    name: 'reset before any answer',
    stream: false,
    where: 'both',
    fault: () => ({ kind: 'reset' }),
    expected: BAD_GATEWAY,
  },
  {
    name: 'reset before any answer, stream',
    stream: true,
    where: 'both',
    fault: () => ({ kind: 'reset' }),
    expected: BAD_GATEWAY,
  },
  {
    name: 'reset mid-body (JSON)',
    stream: false,
    where: 'both',
    fault: () => ({ kind: 'cut' }),
    expected: BAD_GATEWAY,
  },
  {
    name: 'reset mid-stream',
    stream: true,
    where: 'primary',
    fault: () => ({ kind: 'cut', afterWrites: 2 }),
    expected: { status: 200, code: 'upstream_error', midStream: 502, record: 502, attempts: [1, 0] },
  },
  {
    name: 'slow first byte past timeout_ms',
    stream: false,
    where: 'both',
    fault: () => ({ kind: 'slow_first_byte', delayMs: 1500 }),
    expected: TIMED_OUT,
  },
  {
    name: 'slow first byte on the primary, stream',
    stream: true,
    where: 'primary',
    fault: () => ({ kind: 'slow_first_byte', delayMs: 1500 }),
    expected: RETRIED,
  },
  {
    name: 'JSON body stalls after the headers on the primary',
    stream: false,
    where: 'primary',
    fault: () => ({ kind: 'stall', afterWrites: 0 }),
    expected: RETRIED,
  },
  {
    name: 'stream stalls past stream_idle_timeout_ms',
    stream: true,
    where: 'primary',
    fault: () => ({ kind: 'stall', afterWrites: 2 }),
    expected: { status: 200, code: 'upstream_timeout', midStream: 504, record: 504, attempts: [1, 0] },
  },
  {
    name: 'malformed JSON answer',
    stream: false,
    where: 'both',
    fault: () => ({ kind: 'malformed_json' }),
    expected: BAD_GATEWAY,
  },
  {
    name: 'broken SSE frame',
    stream: true,
    where: 'primary',
    fault: () => ({ kind: 'broken_frame', afterWrites: 2 }),
    expected: { status: 200, code: 'upstream_error', midStream: 502, record: 502, attempts: [1, 0] },
  },
  {
    name: '429 storm with retry-after',
    stream: false,
    where: 'both',
    fault: (rig) => status(rig, 429, { 'retry-after': '20' }),
    expected: { status: 429, code: 'rate_limit_exceeded', retryAfter: '20', record: 429, attempts: [1, 1] },
  },
  {
    name: '429 storm without retry-after, stream',
    stream: true,
    where: 'both',
    fault: (rig) => status(rig, 429),
    expected: { status: 429, code: 'rate_limit_exceeded', retryAfter: '1', record: 429, attempts: [1, 1] },
  },
  {
    name: '500 on the primary: the second deployment answers',
    stream: false,
    where: 'primary',
    fault: (rig) => status(rig, 500),
    expected: RETRIED,
  },
  {
    name: '503 on the primary: the second deployment answers, stream',
    stream: true,
    where: 'primary',
    fault: (rig) => status(rig, 503),
    expected: RETRIED,
  },
  {
    name: '500 storm',
    stream: false,
    where: 'both',
    fault: (rig) => status(rig, 500),
    expected: BAD_GATEWAY,
  },
  {
    name: '503 storm, stream',
    stream: true,
    where: 'both',
    fault: (rig) => status(rig, 503),
    expected: BAD_GATEWAY,
  },
];

/** The dialect's error kind for a gateway status (contract §3). */
const KINDS: Record<DialectCaller['dialect'], Record<number, string>> = {
  openai: { 429: 'rate_limit_error', 502: 'api_error', 504: 'api_error' },
  anthropic: { 429: 'rate_limit_error', 502: 'api_error', 504: 'api_error' },
  google: { 429: 'RESOURCE_EXHAUSTED', 502: 'INTERNAL', 504: 'DEADLINE_EXCEEDED' },
};

/** The {@link Seen} a case's expectation means in `dialect` (text and the SDK's message left out). */
function seenFor(dialect: DialectCaller['dialect'], e: Expected): Partial<Seen> {
  const seen: Partial<Seen> = { status: e.status };
  if (e.code) seen.error = `${KINDS[dialect][e.midStream ?? e.status]}/${e.code}`;
  return seen;
}

describe('faults upstream: what each dialect’s caller sees, and exactly one usage record per call', () => {
  let rigs: Rig[];
  let gw: TestGateway;
  let admin: AdminClient;
  /** Every key a test made, with the status of its one record (re-checked at the end for late duplicates). */
  const recorded = new Map<string, number>();

  beforeAll(async () => {
    rigs = await startRigs();
    gw = await startGateway({ yaml: catalogYaml(rigs, await freePort()) });
    admin = new AdminClient(gw.url, gw.masterKey);
  });
  afterAll(async () => {
    await gw?.close();
    await Promise.all((rigs ?? []).flatMap((r) => [r.primary.close(), r.secondary.close()]));
  });
  afterEach(() => {
    for (const rig of rigs) for (const f of [rig.primary, rig.secondary]) f.wireFault(undefined);
  });

  async function recordsOf(keyId: string): Promise<UsageLogResponse[]> {
    return (await admin.request<UsageLogPage>('GET', `/admin/usage/logs?key_id=${keyId}&limit=10`)).body.data;
  }

  describe.each(['openai', 'anthropic', 'google'] as const)('%s dialect', (dialect) => {
    it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
      const rig = rigs.find((r) => r.caller.dialect === dialect)!;
      const fault = c.fault(rig);
      if (c.where !== 'none') rig.primary.wireFault(fault);
      if (c.where === 'both') rig.secondary.wireFault(fault);
      const before = [rig.primary.requests.length, rig.secondary.requests.length];
      const key = await admin.createKey({ name: `${dialect} ${c.name}` });
      const model = `${dialect}-${c.refused ? 'refused' : 'model'}`;

      const seen = await rig.caller.call(gw.url, key.key, model, c.stream);

      expect(seen).toMatchObject(seenFor(dialect, c.expected));
      expect(seen.retryAfter).toBe(c.expected.retryAfter);
      if (c.expected.midStream) expect(seen.midStream).toBeDefined();
      else expect(seen.midStream).toBeUndefined();
      if (c.expected.status === 200 && !c.expected.midStream) expect(seen.text.length).toBeGreaterThan(0);
      if (c.expected.attempts)
        expect([rig.primary.requests.length - before[0], rig.secondary.requests.length - before[1]]).toEqual(
          c.expected.attempts,
        );
      const records = await eventually(async () => {
        const r = await recordsOf(key.id);
        return r.length > 0 ? r : undefined;
      });
      expect(records.map((r) => ({ status_code: r.status_code, stream: r.stream }))).toEqual([
        { status_code: c.expected.record, stream: c.stream },
      ]);
      recorded.set(key.id, c.expected.record);
    });
  });

  describe('afterwards', () => {
    it('no record came late or twice: every call above still has exactly its one record', async () => {
      expect(recorded.size).toBe(CASES.length * 3);
      for (const [keyId, code] of recorded)
        expect((await recordsOf(keyId)).map((r) => r.status_code)).toEqual([code]);
    });
  });
});
