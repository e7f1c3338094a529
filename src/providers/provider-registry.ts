import { anthropicAdapter } from './anthropic/anthropic.adapter';
import { PROVIDER_IDS, type ProviderAdapter, type ProviderId } from './core/adapter';
import { geminiAdapter } from './gemini/gemini.adapter';
import { klingAdapter } from './kling/kling.adapter';
import { mockAdapter } from './mock/mock.adapter';
import { seedanceAdapter } from './seedance/seedance.adapter';
import {
  azureOpenAiAdapter,
  deepSeekAdapter,
  openAiAdapter,
  openAiCompatibleAdapter,
} from './openai-compatible/openai-compatible.adapter';

/** Every provider adapter the gateway knows, by id. Providers not yet implemented are absent. */
const ADAPTERS: Partial<Record<ProviderId, ProviderAdapter>> = {
  openai: openAiAdapter,
  'openai-compatible': openAiCompatibleAdapter,
  'azure-openai': azureOpenAiAdapter,
  anthropic: anthropicAdapter,
  deepseek: deepSeekAdapter,
  gemini: geminiAdapter,
  kling: klingAdapter,
  seedance: seedanceAdapter,
  mock: mockAdapter,
};

/** The providers this build can serve (those with an adapter): the admin API and the YAML accept only these. */
export const SERVED_PROVIDERS: readonly ProviderId[] = Object.keys(ADAPTERS) as ProviderId[];

export function isServedProvider(id: string): id is ProviderId {
  return Object.prototype.hasOwnProperty.call(ADAPTERS, id);
}

/** Why a provider id is refused: unknown, or known but not built yet. Names the accepted ids. */
export function unservedProviderReason(id: string): string {
  const known = (PROVIDER_IDS as readonly string[]).includes(id);
  return `${known ? `provider "${id}" is not served by this build` : `unknown provider "${id}"`} (served: ${SERVED_PROVIDERS.join(', ')})`;
}

export function getAdapter(id: ProviderId): ProviderAdapter | undefined {
  return ADAPTERS[id];
}
