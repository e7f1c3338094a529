import { Injectable } from '@nestjs/common';
import type { ProviderAdapter, ProviderId } from '../../providers/core/adapter';
import { getAdapter } from '../../providers/provider-registry';

/** The provider adapters this build serves, as an injectable (the registry itself is framework-free). */
@Injectable()
export class ProviderRegistry {
  get(id: ProviderId): ProviderAdapter | undefined {
    return getAdapter(id);
  }
}
