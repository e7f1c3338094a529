import { VIDEO_ONLY_CAPABILITIES, type ProviderAdapter } from '../core/adapter';
import { klingVideoCodec } from './kling.video';

/** Kuaishou Kling: video only (text-to-video and image-to-video tasks). */
export const klingAdapter: ProviderAdapter = {
  id: 'kling',
  capabilities: VIDEO_ONLY_CAPABILITIES,
  video: klingVideoCodec,
};
