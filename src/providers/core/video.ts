import type { HttpRequestSpec, ProviderContext } from './adapter';
import type { ProviderError } from './provider-error';

/** An image a video starts (or ends) from: a URL the provider fetches, or inline bytes. */
export type VideoImage = { url: string } | { data: string; mimeType: string };

/** A video generation request, provider-neutral. */
export interface VideoRequest {
  prompt?: string;
  negativePrompt?: string;
  /** First frame (image-to-video). */
  image?: VideoImage;
  /** Last frame, where the provider takes one. */
  lastFrame?: VideoImage;
  /** Seconds of video asked for (the provider's own default when absent). */
  durationSeconds?: number;
  /** e.g. `16:9`. */
  aspectRatio?: string;
  /** e.g. `720p`, or a provider's quality mode. */
  resolution?: string;
  seed?: number;
  /** Generate sound with the video, where the model can. */
  audio?: boolean;
  /** Provider-specific members forwarded as they are (`kling`, `seedance`, `veo`, `sora`). */
  extensions?: Record<string, Record<string, unknown>>;
}

/** What a submit answer names: the upstream task, and the route it is polled under when that varies. */
export interface VideoTaskRef {
  upstreamTaskId: string;
  /** The provider's endpoint family the task lives under (Kling: `text2video` or `image2video`). */
  route?: string;
}

export type VideoTaskState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** One poll's view of a task. */
export interface VideoTaskSnapshot {
  state: VideoTaskState;
  /** The provider's own status word, as it came. */
  upstreamStatus: string;
  /** 0–100, when the provider says. */
  progress?: number;
  outputs: Array<{ url: string; durationSeconds?: string }>;
  /** Seconds the task is billed for (exact decimal text), once it succeeded. */
  billableSeconds?: string;
  /** Tokens the task is billed for, where the provider bills video by tokens (Seedance). */
  billableTokens?: number;
  error?: { code?: string; message: string };
}

/** Pure translation of a provider's async video API: submit, poll, errors. */
export interface VideoCodec {
  buildSubmit(req: VideoRequest, ctx: ProviderContext): HttpRequestSpec;
  parseSubmit(body: unknown, req: VideoRequest): VideoTaskRef;
  buildPoll(task: VideoTaskRef, ctx: ProviderContext): HttpRequestSpec;
  parsePoll(body: unknown): VideoTaskSnapshot;
  /** The request that downloads an output, where it needs the deployment's credentials (Veo files). */
  buildDownload?(url: string, ctx: ProviderContext): HttpRequestSpec;
  /** Cancels a task that has not started, where the provider can (Seedance: a queued task). */
  buildCancel?(task: VideoTaskRef, ctx: ProviderContext): HttpRequestSpec;
  parseError(
    status: number,
    body: unknown,
    headers: Headers | Record<string, string | string[] | undefined>,
  ): ProviderError;
}
