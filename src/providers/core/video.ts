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

/** The values a provider's video API allows, for checking a request before it is sent. */
export interface VideoOptions {
  seconds?: readonly number[];
  aspectRatios?: readonly string[];
  resolutions?: readonly string[];
}

/** Pure translation of a provider's async video API: submit, poll, errors. */
export interface VideoCodec {
  /** The values this provider allows, where the codec knows them. */
  readonly options?: VideoOptions;
  buildSubmit(req: VideoRequest, ctx: ProviderContext): HttpRequestSpec;
  parseSubmit(body: unknown, req: VideoRequest): VideoTaskRef;
  buildPoll(task: VideoTaskRef, ctx: ProviderContext): HttpRequestSpec;
  parsePoll(body: unknown): VideoTaskSnapshot;
  /**
   * The request that downloads an output, where it needs the deployment's credentials (Veo files, Sora
   * content). `variant` picks another rendering where the provider has them (Sora: `thumbnail`,
   * `spritesheet`); codecs without variants ignore it.
   */
  buildDownload?(url: string, ctx: ProviderContext, variant?: string): HttpRequestSpec;
  /** Cancels a task that has not started, where the provider can (Seedance: a queued task). */
  buildCancel?(task: VideoTaskRef, ctx: ProviderContext): HttpRequestSpec;
  /** A new task re-rendering a finished one with another prompt (Sora); its answer is read by `parseSubmit`. */
  buildRemix?(task: VideoTaskRef, prompt: string, ctx: ProviderContext): HttpRequestSpec;
  /** Deletes a finished task and its outputs upstream, where the provider can (Sora). */
  buildDelete?(task: VideoTaskRef, ctx: ProviderContext): HttpRequestSpec;
  parseError(
    status: number,
    body: unknown,
    headers: Headers | Record<string, string | string[] | undefined>,
  ): ProviderError;
}
