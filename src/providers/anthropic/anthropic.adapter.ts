import type { ProviderAdapter } from '../core/adapter';
import { anthropicChatCodec } from './anthropic.chat';
import { anthropicPassthroughCodec } from './anthropic.passthrough';

/** Anthropic Messages API: chat (translated from any dialect) and passthrough for the Anthropic dialect. */
export const anthropicAdapter: ProviderAdapter = {
  id: 'anthropic',
  capabilities: {
    chat: true,
    streaming: true,
    tools: true,
    vision: true,
    audioInput: false,
    embeddings: false,
    video: false,
    mediaUrls: true,
  },
  chat: anthropicChatCodec,
  passthrough: anthropicPassthroughCodec,
};
