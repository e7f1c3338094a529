import type { VideoRequest } from '../../providers/core/video';

/** The gateway's one lifecycle for every video task (contract §5). */
export type VideoTaskStatus = 'queued' | 'in_progress' | 'completed' | 'failed' | 'cancelled';

export const TERMINAL_VIDEO_STATUSES: readonly VideoTaskStatus[] = ['completed', 'failed', 'cancelled'];

/** The client API a task was created through (each renders ids, statuses and errors its own way). */
export type VideoDialect = 'openai' | 'kling' | 'seedance' | 'veo';

/** One output of a finished task: the provider's URL (never shown for Veo and Sora) and its length. */
export interface VideoOutput {
  url: string;
  durationSeconds?: string;
}

/**
 * A video task as the client dialects render it: the gateway's own state, never the provider's
 * directly. Pure data (the store maps its rows to this).
 */
export interface VideoTaskView {
  /** The gateway's id: 32 lowercase hex characters (dialects decorate it: `video_…`, `cgt-…`, an operation name). */
  id: string;
  dialect: VideoDialect;
  /** The public model name the client asked for. */
  model: string;
  status: VideoTaskStatus;
  /** 0–100. */
  progress: number;
  createdAt: Date;
  updatedAt: Date;
  completedAt?: Date;
  /** The request as the gateway understood it. */
  request: VideoRequest;
  /** Kling's endpoint family (`text2video` | `image2video`), for the native Kling API. */
  nativeRoute?: string;
  /** Seconds: the billed ones once known, else the requested ones (decimal text). */
  seconds?: string;
  /** OpenAI-style `WxH`, as asked or implied. */
  size?: string;
  outputs: VideoOutput[];
  error?: { code: string; message: string };
  remixedFromId?: string;
  /** The provider's own status word, last seen. */
  upstreamStatus?: string;
  /** The exact decimal USD charged, once settled. */
  costUsd?: string;
}
