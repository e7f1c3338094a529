import { Injectable } from '@nestjs/common';
import type { ProviderAdapter, ProviderContext } from '../../providers/core/adapter';
import type { ChatRequest } from '../../providers/core/canonical';

/**
 * I/O that must happen before a translated chat request reaches a provider's pure codec: fetching
 * remote media the provider cannot read itself, creating or reusing provider-side context caches.
 */
@Injectable()
export class ChatRequestPreparer {
  async prepare(_adapter: ProviderAdapter, req: ChatRequest, _ctx: ProviderContext, _signal?: AbortSignal): Promise<ChatRequest> {
    return req;
  }
}
