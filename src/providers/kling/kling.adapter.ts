import type { ProviderAdapter } from '../core/adapter';
import { klingVideoCodec } from './kling.video';

/** Kuaishou Kling: video only (text-to-video and image-to-video tasks). */
export const klingAdapter: ProviderAdapter = {
  id: 'kling',
  capabilities: {
    chat: false,
    streaming: false,
    tools: false,
    vision: false,
    audioInput: false,
    embeddings: false,
    video: true,
    mediaUrls: true,
  },
  video: klingVideoCodec,
};
