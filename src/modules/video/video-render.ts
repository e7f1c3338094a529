import { klingTaskEnvelope } from '../../dialects/video/kling-native';
import { openAiVideoObject } from '../../dialects/video/openai-videos';
import { seedanceTask } from '../../dialects/video/seedance-native';
import { veoOperation } from '../../dialects/video/veo-native';
import type { VideoDialect, VideoTaskView } from './video-task.view';

/** Where the gateway is reached (Veo file URIs point back at it), and the request answered. */
export interface RenderContext {
  publicBaseUrl: string;
  requestId: string;
}

/** A task in its dialect's native shape (what a get answers and a callback carries). */
export function renderVideoTask(view: VideoTaskView, dialect: VideoDialect, ctx: RenderContext): unknown {
  switch (dialect) {
    case 'openai':
      return openAiVideoObject(view);
    case 'kling':
      return klingTaskEnvelope(view, ctx.requestId);
    case 'seedance':
      return seedanceTask(view);
    case 'veo':
      return veoOperation(view, (fileId) => veoFileUrl(ctx.publicBaseUrl, fileId));
  }
}

/** The gateway's own download URL of a Veo output (contract §5: what `files.download` accepts). */
export function veoFileUrl(publicBaseUrl: string, fileId: string): string {
  return `${publicBaseUrl.replace(/\/$/, '')}/v1beta/files/${fileId}:download?alt=media`;
}
