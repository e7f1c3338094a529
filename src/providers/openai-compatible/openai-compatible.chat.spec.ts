import { join } from 'node:path';
import { fixtureDir, parseFixtureStream } from '../core/__fixtures__/codec-fixtures';
import type { DeploymentTarget, ProviderAdapter } from '../core/adapter';
import type { ChatRequest, ChatStreamEvent } from '../core/canonical';
import { ProviderError } from '../core/provider-error';
import { openAiCtx } from './__fixtures__/openai-context';
import {
  azureOpenAiAdapter,
  deepSeekAdapter,
  openAiAdapter,
  openAiCompatibleAdapter,
} from './openai-compatible.adapter';

/**
 * Golden fixtures in __fixtures__ (the wire halves follow providers.md §6 and §8):
 * - `<case>.req.json`: `{adapter, deployment?, request (canonical), expected: {method, url, headers, body}}` or `{…, error: {kind, param}}`
 * - `<case>.res.json`: `{wire (chat.completion), expected (ChatResponse)}` or `{wire, error: {kind}}`
 * - `<case>.sse` + `<case>.res.json`: raw SSE in, `{expected: {events, error?}}` out
 * - `<case>.error.json`: `{status, headers, body}` in, the ProviderError's fields out
 */
const { files, read, text } = fixtureDir(join(__dirname, '__fixtures__'));

const ADAPTERS: Record<string, ProviderAdapter> = {
  openai: openAiAdapter,
  'openai-compatible': openAiCompatibleAdapter,
  'azure-openai': azureOpenAiAdapter,
  deepseek: deepSeekAdapter,
};
const codec = openAiCompatibleAdapter.chat;
if (codec?.kind !== 'http') throw new Error('the openai-compatible adapter has an http chat codec');

function chatCodecOf(adapter: unknown) {
  const chat = ADAPTERS[String(adapter ?? 'openai-compatible')]?.chat;
  if (chat?.kind !== 'http') throw new Error(`no http chat codec for adapter ${String(adapter)}`);
  return chat;
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('openai-compatible chat codec: request fixtures (canonical in, wire out)', () => {
  const cases = files.filter((f) => f.endsWith('.req.json'));
  it('has the fixture set', () => expect(cases.length).toBeGreaterThanOrEqual(9));
  it.each(cases)('%s', (file) => {
    const fx = read(file);
    const chat = chatCodecOf(fx.adapter);
    const ctx = openAiCtx(fx.deployment as Partial<DeploymentTarget>);
    const req = fx.request as ChatRequest;
    if (fx.error) {
      const err = caught(() => chat.buildRequest(req, ctx));
      expect(err).toBeInstanceOf(ProviderError);
      const { kind, param } = err as ProviderError;
      expect({ kind, param }).toEqual(fx.error);
      return;
    }
    const expected = fx.expected as { method: string; url: string; headers: unknown; body: unknown };
    const spec = chat.buildRequest(req, ctx);
    expect(spec.method).toBe(expected.method);
    expect(spec.url).toBe(expected.url);
    expect(spec.headers).toEqual(expected.headers);
    expect(JSON.parse(String(spec.body))).toEqual(expected.body);
  });
});

describe('openai-compatible chat codec: response fixtures (wire in, canonical out)', () => {
  const cases = files.filter(
    (f) => f.endsWith('.res.json') && !files.includes(f.replace(/\.res\.json$/, '.sse')),
  );
  it.each(cases)('%s', (file) => {
    const fx = read(file);
    if (fx.error) {
      const err = caught(() => codec.parseResponse(fx.wire, openAiCtx()));
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as ProviderError).kind).toBe((fx.error as { kind: string }).kind);
      return;
    }
    expect(codec.parseResponse(fx.wire, openAiCtx())).toEqual(fx.expected);
  });
});

describe('openai-compatible chat codec: stream fixtures (SSE in, canonical events out)', () => {
  it.each(files.filter((f) => f.endsWith('.sse')))('%s', async (file) => {
    const fx = read(file.replace(/\.sse$/, '.res.json'));
    const expected = fx.expected as { events: ChatStreamEvent[]; error?: { kind: string } };
    const { events, error } = await parseFixtureStream(codec, text(file), openAiCtx());
    expect(events).toEqual(expected.events);
    if (expected.error) {
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).kind).toBe(expected.error.kind);
    } else {
      expect(error).toBeUndefined();
    }
  });
});

describe('openai-compatible chat codec: error fixtures (status, headers and body in, ProviderError out)', () => {
  it.each(files.filter((f) => f.endsWith('.error.json')))('%s', (file) => {
    const fx = read(file);
    const err = codec.parseError(fx.status as number, fx.body, fx.headers as Record<string, string>);
    const { kind, upstreamStatus, upstreamCode, retryAfterMs, param, message } = err;
    expect({ kind, upstreamStatus, upstreamCode, retryAfterMs, param, message }).toEqual(fx.expected);
  });
});

describe('host-specific paths', () => {
  it('DeepSeek serves legacy completions under /beta; chat stays at the root', () => {
    const ctx = openAiCtx({ provider: 'deepseek', baseUrl: 'https://api.deepseek.com' });
    const body = { model: 'x', prompt: 'def f(' };
    expect(deepSeekAdapter.passthrough!.buildRequest('completions', body, ctx, false).url).toBe(
      'https://api.deepseek.com/beta/completions',
    );
    expect(deepSeekAdapter.passthrough!.buildRequest('chat.completions', body, ctx, false).url).toBe(
      'https://api.deepseek.com/chat/completions',
    );
  });
});
