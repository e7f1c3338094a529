import { Injectable } from '@nestjs/common';
import type { ProviderAdapter, ProviderContext } from '../../providers/core/adapter';
import type { ChatRequest } from '../../providers/core/canonical';
import { MediaInliner } from '../media/media-inliner';
import type { Identity } from '../auth/identity';
import type { ResolvedModel } from '../routing/catalog.types';
import { GeminiContextCaches } from './preparation/gemini-context-caches';
import type { CancelSignal } from '../../providers/core/cancel';

/**
 * I/O that must happen before a translated chat request reaches a provider's pure codec: fetching
 * remote media the provider cannot read itself (`capabilities.mediaUrls`), creating or reusing provider-side context caches
 * (the caller's own: `identity` owns and pays for them, under the public model `serving`).
 * Media goes first, so a cached block holds the inlined bytes.
 */
@Injectable()
export class ChatRequestPreparer {
  constructor(
    private readonly media: MediaInliner,
    private readonly geminiCaches: GeminiContextCaches,
  ) {}

  async prepare(
    adapter: ProviderAdapter,
    req: ChatRequest,
    ctx: ProviderContext,
    identity: Identity,
    serving: ResolvedModel,
    signal?: CancelSignal,
  ): Promise<ChatRequest> {
    let out = req;
    // What differs between providers is data on the adapter: who reads media URLs, who holds caches.
    if (!adapter.capabilities.mediaUrls) out = await this.media.inline(out, signal);
    if (adapter.contextCache) out = await this.geminiCaches.apply(out, ctx, identity, serving, signal);
    return out;
  }
}
