import { join } from 'node:path';
import { fixtureDir, parseFixtureStream } from '../core/__fixtures__/codec-fixtures';
import type { DeploymentTarget, HttpRequestSpec } from '../core/adapter';
import type { ChatRequest, ChatStreamEvent } from '../core/canonical';
import { ProviderError } from '../core/provider-error';
import { StreamBlockCounter } from '../core/stream-blocks';
import { anthropicCtx } from './__fixtures__/anthropic-context';
import { anthropicAdapter } from './anthropic.adapter';
import { anthropicChatCodec } from './anthropic.chat';
import { getAdapter, isServedProvider } from '../provider-registry';

/**
 * Golden fixtures in __fixtures__:
 * - `<case>.req.json`: `{deployment?, request (canonical), expected: {method, url, headers?, body}}` or `{…, error: {kind, param}}`
 * - `<case>.res.json`: `{wire (Message), expected (ChatResponse without created)}` or `{wire, error}`
 * - `<case>.sse` + `<case>.res.json`: raw SSE in (read in 7-character pieces), `{expected: {events, error?}}` out
 */
const { files, read, text } = fixtureDir(join(__dirname, '__fixtures__'));

const DEFAULT_HEADERS = {
  'content-type': 'application/json',
  'anthropic-version': '2023-06-01',
  'x-api-key': 'test-key',
};

function expectProviderError(fn: () => unknown, expected: { kind: string; param?: string }): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ProviderError);
  const err = caught as ProviderError;
  expect({ kind: err.kind, ...(expected.param !== undefined ? { param: err.param } : {}) }).toEqual(expected);
}

describe('anthropic chat codec: request fixtures (canonical in, wire out)', () => {
  const cases = files.filter((f) => f.endsWith('.req.json'));
  it('has a fixture per mapping', () => expect(cases.length).toBeGreaterThanOrEqual(19));
  it.each(cases)('%s', (file) => {
    const fx = read(file);
    const ctx = anthropicCtx(fx.deployment as Partial<DeploymentTarget>);
    const req = fx.request as ChatRequest;
    if (fx.error) {
      expectProviderError(
        () => anthropicChatCodec.buildRequest(req, ctx),
        fx.error as { kind: string; param?: string },
      );
      return;
    }
    const expected = fx.expected as {
      method: string;
      url: string;
      headers?: Record<string, string>;
      body: unknown;
    };
    const spec: HttpRequestSpec = anthropicChatCodec.buildRequest(req, ctx);
    expect(spec.method).toBe(expected.method);
    expect(spec.url).toBe(expected.url);
    expect(spec.headers).toEqual(expected.headers ?? DEFAULT_HEADERS);
    expect(JSON.parse(String(spec.body))).toEqual(expected.body);
  });
});

describe('anthropic chat codec: response fixtures (wire in, canonical out)', () => {
  const cases = files.filter(
    (f) => f.endsWith('.res.json') && !files.includes(f.replace(/\.res\.json$/, '.sse')),
  );
  it.each(cases)('%s', (file) => {
    const fx = read(file);
    if (fx.error) {
      expectProviderError(
        () => anthropicChatCodec.parseResponse(fx.wire, anthropicCtx()),
        fx.error as { kind: string },
      );
      return;
    }
    const { created, ...rest } = anthropicChatCodec.parseResponse(fx.wire, anthropicCtx());
    expect(typeof created).toBe('number');
    expect(rest).toEqual(fx.expected);
  });
});

describe('anthropic chat codec: stream fixtures (SSE in, canonical events out)', () => {
  const cases = files.filter((f) => f.endsWith('.sse'));
  it('has CRLF-framed and LF-framed streams', () => {
    expect(cases.some((f) => text(f).includes('\r\n\r\n'))).toBe(true);
    expect(cases.some((f) => !text(f).includes('\r\n'))).toBe(true);
  });
  it.each(cases)('%s', async (file) => {
    const fx = read(file.replace(/\.sse$/, '.res.json'));
    const expected = fx.expected as { events: ChatStreamEvent[]; error?: { kind: string } };
    const { events, error } = await parseFixtureStream(anthropicChatCodec, text(file), anthropicCtx());
    expect(events).toEqual(expected.events);
    if (expected.error) {
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).kind).toBe(expected.error.kind);
    } else {
      expect(error).toBeUndefined();
    }
  });

  it('numbers blocks as Anthropic does (StreamBlockCounter follows `block`)', async () => {
    const { events } = await parseFixtureStream(
      anthropicChatCodec,
      text('stream-thinking.sse'),
      anthropicCtx(),
    );
    const counter = new StreamBlockCounter();
    const blocks = events.flatMap((ev) =>
      ev.type === 'reasoning' || ev.type === 'redacted_reasoning' || ev.type === 'text'
        ? [counter.blockOf(ev)]
        : [],
    );
    expect(blocks).toEqual([0, 0, 0, 1, 2, 2, 3]);
  });
});

describe('anthropic error fixtures (status + body → ProviderError)', () => {
  const fx = read('errors.json') as {
    cases: Array<{
      name: string;
      status: number;
      body: unknown;
      headers?: Record<string, string>;
      expected: Record<string, unknown>;
    }>;
  };
  it.each(fx.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const err = anthropicChatCodec.parseError(c.status, c.body, c.headers ?? {});
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.upstreamStatus).toBe(c.status);
    expect(err).toMatchObject(c.expected);
    if (c.expected.retryAfterMs === undefined) expect(err.retryAfterMs).toBeUndefined();
  });
});

describe('anthropic adapter', () => {
  it('is a served provider with chat and passthrough, no embeddings or video', () => {
    expect(isServedProvider('anthropic')).toBe(true);
    expect(getAdapter('anthropic')).toBe(anthropicAdapter);
    expect(anthropicAdapter.chat).toBe(anthropicChatCodec);
    expect(anthropicAdapter.passthrough?.wire).toBe('anthropic');
    expect(anthropicAdapter.embeddings).toBeUndefined();
    expect(anthropicAdapter.video).toBeUndefined();
    expect(anthropicAdapter.capabilities).toMatchObject({
      chat: true,
      streaming: true,
      tools: true,
      vision: true,
      embeddings: false,
      video: false,
      mediaUrls: true,
    });
  });

  it('never puts the API key in the URL or the body', () => {
    const spec = anthropicChatCodec.buildRequest(
      { messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], stream: true },
      anthropicCtx({ apiKey: 'sk-ant-secret' }),
    );
    expect(spec.url).not.toContain('sk-ant-secret');
    expect(String(spec.body)).not.toContain('sk-ant-secret');
    expect(spec.headers['x-api-key']).toBe('sk-ant-secret');
  });
});
