import type { ProviderAdapter } from '../core/adapter';
import { geminiChatCodec } from './gemini.chat';
import { geminiContextCacheCodec } from './gemini.context-cache';
import { geminiEmbeddingsCodec } from './gemini.embeddings';
import { geminiPassthroughCodec } from './gemini.passthrough';
import { geminiSpeechCodec } from './gemini.speech';
import { veoVideoCodec } from '../veo/veo.video';

/** Google Gemini API (generativelanguage v1beta): chat (incl. TTS and image output), passthrough, embeddings, Veo video. */
export const geminiAdapter: ProviderAdapter = {
  id: 'gemini',
  capabilities: {
    chat: true,
    streaming: true,
    tools: true,
    vision: true,
    audioInput: true,
    embeddings: true,
    video: true,
    mediaUrls: false,
  },
  chat: geminiChatCodec,
  passthrough: geminiPassthroughCodec,
  embeddings: geminiEmbeddingsCodec,
  contextCache: geminiContextCacheCodec,
  video: veoVideoCodec,
  speech: geminiSpeechCodec,
};
