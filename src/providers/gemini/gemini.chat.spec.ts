import { join } from 'node:path';
import { fixtureDir, parseFixtureStream } from '../core/__fixtures__/codec-fixtures';
import type { DeploymentTarget, HttpRequestSpec } from '../core/adapter';
import type { ChatRequest, ChatStreamEvent } from '../core/canonical';
import { ProviderError } from '../core/provider-error';
import { geminiCtx } from './__fixtures__/gemini-context';
import { geminiAdapter } from './gemini.adapter';
import { geminiChatCodec } from './gemini.chat';

/**
 * Golden fixtures in __fixtures__:
 * - `<case>.req.json`: `{deployment, request (canonical), expected: {method, url?, headers?, body}}` or `{…, error: {kind, param}}`
 * - `<case>.res.json`: `{wire (GenerateContentResponse), expected (ChatResponse without created)}` or `{wire, error}`
 * - `<case>.sse` + `<case>.res.json`: raw CRLF-framed SSE in, `{expected: {events, error?}}` out
 */
const { files, read, text } = fixtureDir(join(__dirname, '__fixtures__'));

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

describe('gemini chat codec: request fixtures (canonical in, wire out)', () => {
  const cases = files.filter((f) => f.endsWith('.req.json'));
  it('has a fixture per mapping', () => expect(cases.length).toBeGreaterThan(60));
  it.each(cases)('%s', (file) => {
    const fx = read(file);
    const ctx = geminiCtx(fx.deployment as Partial<DeploymentTarget>);
    const req = fx.request as ChatRequest;
    if (fx.error) {
      expectProviderError(
        () => geminiChatCodec.buildRequest(req, ctx),
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
    const spec: HttpRequestSpec = geminiChatCodec.buildRequest(req, ctx);
    expect(spec.method).toBe(expected.method);
    expect(spec.url).toBe(expected.url);
    expect(spec.headers).toEqual(
      expected.headers ?? { 'content-type': 'application/json', 'x-goog-api-key': 'test-key' },
    );
    expect(JSON.parse(String(spec.body))).toEqual(expected.body);
  });
});

describe('gemini chat codec: response fixtures (wire in, canonical out)', () => {
  const cases = files.filter(
    (f) => f.endsWith('.res.json') && !files.includes(f.replace(/\.res\.json$/, '.sse')),
  );
  it.each(cases)('%s', (file) => {
    const fx = read(file);
    if (fx.error) {
      expectProviderError(
        () => geminiChatCodec.parseResponse(fx.wire, geminiCtx()),
        fx.error as { kind: string },
      );
      return;
    }
    const { created, ...rest } = geminiChatCodec.parseResponse(fx.wire, geminiCtx());
    expect(typeof created).toBe('number');
    expect(rest).toEqual(fx.expected);
  });
});

describe('gemini chat codec: stream fixtures (SSE in, canonical events out)', () => {
  const cases = files.filter((f) => f.endsWith('.sse'));
  it.each(cases)('%s', async (file) => {
    const raw = text(file);
    expect(raw).toContain('\r\n\r\n');
    const fx = read(file.replace(/\.sse$/, '.res.json'));
    const expected = fx.expected as { events: ChatStreamEvent[]; error?: { kind: string } };
    const { events, error } = await parseFixtureStream(geminiChatCodec, raw, geminiCtx());
    expect(events).toEqual(expected.events);
    if (expected.error) {
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).kind).toBe(expected.error.kind);
    } else {
      expect(error).toBeUndefined();
    }
  });
});

describe('gemini adapter', () => {
  it('is the gemini provider with chat, passthrough and embeddings', () => {
    expect(geminiAdapter.id).toBe('gemini');
    expect(geminiAdapter.chat).toBe(geminiChatCodec);
    expect(geminiAdapter.passthrough?.wire).toBe('gemini');
    expect(geminiAdapter.embeddings).toBeDefined();
  });

  it('never puts the API key in the URL', () => {
    const spec = geminiChatCodec.buildRequest(
      { messages: [], stream: true },
      geminiCtx({ apiKey: 'secret-key' }),
    );
    expect(spec.url).not.toContain('secret-key');
    expect(spec.headers['x-goog-api-key']).toBe('secret-key');
  });

  it('accepts a base URL that already ends with /v1beta and a models/ prefix', () => {
    const spec = geminiChatCodec.buildRequest(
      { messages: [], stream: false },
      geminiCtx({ baseUrl: 'http://127.0.0.1:9999/v1beta/', upstreamModel: 'models/gemini-2.5-flash' }),
    );
    expect(spec.url).toBe('http://127.0.0.1:9999/v1beta/models/gemini-2.5-flash:generateContent');
  });
});
