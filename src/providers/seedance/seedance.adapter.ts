import type { ProviderAdapter } from '../core/adapter';
import { seedanceVideoCodec } from './seedance.video';

/** ByteDance Seedance on Volcengine Ark / BytePlus ModelArk: video generation tasks only. */
export const seedanceAdapter: ProviderAdapter = {
  id: 'seedance',
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
  video: seedanceVideoCodec,
};
