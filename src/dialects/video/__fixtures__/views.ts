import type { VideoTaskView } from '../../../modules/video/video-task.view';

/** Task views the renderer specs share: one per lifecycle state. */
const ID = '0123456789abcdef0123456789abcdef';
const created = new Date('2026-01-02T03:04:05.678Z');
const updated = new Date('2026-01-02T03:05:06.789Z');

export function view(overrides: Partial<VideoTaskView> = {}): VideoTaskView {
  return {
    id: ID,
    dialect: 'openai',
    model: 'video-public',
    status: 'queued',
    progress: 0,
    createdAt: created,
    updatedAt: created,
    request: { prompt: 'a cat', durationSeconds: 8, aspectRatio: '16:9', resolution: '720p' },
    seconds: '8',
    size: '1280x720',
    outputs: [],
    ...overrides,
  };
}

export const VIEWS: Record<string, VideoTaskView> = {
  queued: view(),
  in_progress: view({ status: 'in_progress', progress: 40, updatedAt: updated }),
  completed: view({
    status: 'completed',
    progress: 100,
    updatedAt: updated,
    completedAt: updated,
    outputs: [{ url: 'https://cdn.example/v.mp4', durationSeconds: '8.04' }],
    seconds: '8.04',
  }),
  failed: view({
    status: 'failed',
    updatedAt: updated,
    completedAt: updated,
    error: { code: 'content_filtered', message: 'the prompt was blocked' },
  }),
  cancelled: view({ status: 'cancelled', updatedAt: updated, completedAt: updated }),
};
