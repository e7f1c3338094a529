import type { ChatRequest } from '../core/canonical';
import { geminiCtx } from './__fixtures__/gemini-context';
import { geminiChatCodec } from './gemini.chat';
import {
  findCachedContent,
  fromCachedContentResponse,
  listCachedContentsRequest,
  planGeminiContextCache,
  withCachedContent,
} from './gemini.context-cache';

const AGREEMENT = 'Here is the full text of a complex legal agreement';
const QUESTION = 'What are the key terms and conditions in this agreement?';

/** Seed 001/002 "Context Caching" example, in canonical form. */
const seedRequest = (ttl?: string): ChatRequest => ({
  stream: false,
  messages: [
    {
      role: 'system',
      content: [
        { type: 'text', text: AGREEMENT, cacheControl: { type: 'ephemeral', ...(ttl ? { ttl } : {}) } },
      ],
    },
    { role: 'user', content: [{ type: 'text', text: QUESTION, cacheControl: { type: 'ephemeral' } }] },
  ],
});

describe('gemini explicit context caching (cache_control → cachedContents)', () => {
  const ctx = geminiCtx({ upstreamModel: 'gemini-1.5-pro' });

  it('caches the marked block (the last turn stays to be asked), with the first valid TTL', () => {
    const plan = planGeminiContextCache(seedRequest('3600s'), ctx);
    expect(plan?.createRequest.method).toBe('POST');
    expect(plan?.createRequest.url).toBe('https://generativelanguage.googleapis.com/v1beta/cachedContents');
    expect(plan?.createRequest.headers['x-goog-api-key']).toBe('test-key');
    expect(JSON.parse(String(plan?.createRequest.body))).toEqual({
      model: 'models/gemini-1.5-pro',
      contents: [],
      systemInstruction: { parts: [{ text: AGREEMENT }] },
      ttl: '3600s',
      displayName: plan?.displayName,
    });
    expect(plan?.displayName).toMatch(/^switchboard-[0-9a-f]{40}$/);
    expect(plan?.request.messages).toEqual([seedRequest().messages[1]]);
  });

  it('then the request goes with cachedContent and without systemInstruction or tools', () => {
    const req: ChatRequest = {
      ...seedRequest('bad-ttl'),
      messages: [
        ...seedRequest().messages,
        { role: 'assistant', content: [{ type: 'text', text: 'Payment within 30 days.' }] },
        { role: 'user', content: [{ type: 'text', text: 'And termination?' }] },
      ],
      tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object', properties: {} } }],
      toolChoice: 'auto',
    };
    const plan = planGeminiContextCache(req, ctx);
    const created = JSON.parse(String(plan?.createRequest.body));
    expect(created.ttl).toBeUndefined();
    expect(created.contents).toEqual([{ role: 'user', parts: [{ text: QUESTION }] }]);
    expect(created.tools).toEqual([
      { functionDeclarations: [{ name: 'lookup', parameters: { type: 'object', properties: {} } }] },
    ]);
    expect(created.toolConfig).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    const name = fromCachedContentResponse({ name: 'cachedContents/abc', model: 'models/gemini-1.5-pro' });
    const body = JSON.parse(
      String(geminiChatCodec.buildRequest(withCachedContent(plan!.request, name), ctx).body),
    );
    expect(body).toEqual({
      contents: [
        { role: 'model', parts: [{ text: 'Payment within 30 days.' }] },
        { role: 'user', parts: [{ text: 'And termination?' }] },
      ],
      cachedContent: 'cachedContents/abc',
    });
  });

  it('the same content gets the same displayName, so a live cache can be reused', () => {
    const a = planGeminiContextCache(seedRequest(), ctx);
    const b = planGeminiContextCache(seedRequest(), ctx);
    expect(a?.displayName).toBe(b?.displayName);
    expect(listCachedContentsRequest(ctx).url).toBe(
      'https://generativelanguage.googleapis.com/v1beta/cachedContents?pageSize=1000',
    );
    const list = {
      cachedContents: [
        { name: 'cachedContents/old', displayName: a?.displayName, expireTime: '2000-01-01T00:00:00Z' },
        { name: 'cachedContents/live', displayName: a?.displayName, expireTime: '2999-01-01T00:00:00Z' },
      ],
    };
    expect(findCachedContent(list, a!.displayName)).toBe('cachedContents/live');
    expect(findCachedContent(list, 'other')).toBeUndefined();
  });

  it('plans nothing without markers', () => {
    expect(
      planGeminiContextCache(
        { stream: false, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] },
        ctx,
      ),
    ).toBeUndefined();
  });
});
