import type { ProviderAdapter } from '../../providers/core/adapter';
import type { ChatRequest } from '../../providers/core/canonical';
import { geminiCtx } from '../../providers/gemini/__fixtures__/gemini-context';
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

  it('hands a Gemini request its caller and model as they are (no closure made per request)', async () => {
    const { preparer, media, caches } = setup();
    const ctx = geminiCtx();
    const gemini = { id: 'gemini' } as ProviderAdapter;
    expect(await preparer.prepare(gemini, req, ctx, identity, serving)).toBe(req);
    expect(media.inline).toHaveBeenCalledTimes(1);
    expect(caches.apply).toHaveBeenCalledWith(req, ctx, identity, serving, undefined);
  });

  it('leaves other providers alone', async () => {
    const { preparer, media, caches } = setup();
    const openai = { id: 'openai' } as ProviderAdapter;
    expect(await preparer.prepare(openai, req, geminiCtx(), identity, serving)).toBe(req);
    expect(media.inline).not.toHaveBeenCalled();
    expect(caches.apply).not.toHaveBeenCalled();
  });
});
