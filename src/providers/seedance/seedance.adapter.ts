import { VIDEO_ONLY_CAPABILITIES, type ProviderAdapter } from '../core/adapter';
import { seedanceVideoCodec } from './seedance.video';

/** ByteDance Seedance on Volcengine Ark / BytePlus ModelArk: video generation tasks only. */
export const seedanceAdapter: ProviderAdapter = {
  id: 'seedance',
  capabilities: VIDEO_ONLY_CAPABILITIES,
  video: seedanceVideoCodec,
};
