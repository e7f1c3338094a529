import type { ProviderAdapter } from '../core/adapter';
import { geminiChatCodec } from './gemini.chat';
import { geminiContextCacheCodec } from './gemini.context-cache';
import { geminiEmbeddingsCodec } from './gemini.embeddings';
import { geminiPassthroughCodec } from './gemini.passthrough';

/** Google Gemini API (generativelanguage v1beta): chat (incl. TTS and image output), passthrough, embeddings. */
export const geminiAdapter: ProviderAdapter = {
  id: 'gemini',
  capabilities: {
    chat: true,
    streaming: true,
    tools: true,
    vision: true,
    audioInput: true,
    embeddings: true,
    video: false,
    mediaUrls: false,
  },
  chat: geminiChatCodec,
  passthrough: geminiPassthroughCodec,
  embeddings: geminiEmbeddingsCodec,
  contextCache: geminiContextCacheCodec,
};
