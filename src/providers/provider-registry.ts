import type { ProviderAdapter, ProviderId } from './core/adapter';
import { geminiAdapter } from './gemini/gemini.adapter';
import { mockAdapter } from './mock/mock.adapter';
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
  deepseek: deepSeekAdapter,
  gemini: geminiAdapter,
  mock: mockAdapter,
};

export function registerAdapter(adapter: ProviderAdapter): void {
  ADAPTERS[adapter.id] = adapter;
}

export function getAdapter(id: ProviderId): ProviderAdapter | undefined {
  return ADAPTERS[id];
}
