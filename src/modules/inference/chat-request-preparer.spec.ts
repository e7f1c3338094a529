import type { ChatRequest } from '../../providers/core/canonical';
import { geminiCtx } from '../../providers/gemini/__fixtures__/gemini-context';
import { geminiAdapter } from '../../providers/gemini/gemini.adapter';
import { openAiAdapter } from '../../providers/openai-compatible/openai-compatible.adapter';
import type { Identity } from '../auth/identity';
import type { MediaInliner } from '../media/media-inliner';
import type { ResolvedModel } from '../routing/catalog.types';
import { ChatRequestPreparer } from './chat-request-preparer';
import type { GeminiContextCaches } from './preparation/gemini-context-caches';

describe('ChatRequestPreparer', () => {
  const req: ChatRequest = {
    stream: false,
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
  };
  const identity: Identity = { kind: 'key', keyId: 'key-1', role: 'member', allowedModels: [] };
  const serving = { requestedName: 'gemini-flash', model: { name: 'gemini-flash' } } as ResolvedModel;
  const setup = () => {
    const media = { inline: jest.fn(async (r: ChatRequest) => r) };
    const caches = { apply: jest.fn(async (r: ChatRequest) => r) };
    const preparer = new ChatRequestPreparer(
      media as unknown as MediaInliner,
      caches as unknown as GeminiContextCaches,
    );
    return { preparer, media, caches };
  };

  it('inlines media and applies caches by adapter data (no mediaUrls, a contextCache codec): Gemini', async () => {
    const { preparer, media, caches } = setup();
    const ctx = geminiCtx();
    expect(await preparer.prepare(geminiAdapter, req, ctx, identity, serving)).toBe(req);
    expect(media.inline).toHaveBeenCalledTimes(1);
    expect(caches.apply).toHaveBeenCalledWith(req, ctx, identity, serving, undefined);
  });

  it('leaves a provider that reads media URLs and holds no caches alone: OpenAI', async () => {
    const { preparer, media, caches } = setup();
    expect(await preparer.prepare(openAiAdapter, req, geminiCtx(), identity, serving)).toBe(req);
    expect(media.inline).not.toHaveBeenCalled();
    expect(caches.apply).not.toHaveBeenCalled();
  });
});
