import type { FakeServer } from './fake-http';

/** The four async video APIs the fake serves, each at the paths its real host uses. */
export type VideoProvider = 'kling' | 'seedance' | 'veo' | 'sora';

export const VIDEO_PROVIDERS: readonly VideoProvider[] = ['kling', 'seedance', 'veo', 'sora'];

/** How a task ends once its queued and running polls are spent. */
export type VideoOutcome =
  /** Videos made; `durationSeconds` overrides the seconds asked for (Kling reports it, e.g. 5.1). */
  | { kind: 'succeed'; durationSeconds?: number }
  /** The provider's failed task (code: Seedance/Sora a string, Veo a google.rpc code; Kling has none). */
  | { kind: 'fail'; message?: string; code?: string | number }
  /** Blocked by safety: Veo's RAI-filtered answer; the others' content-safety failure. */
  | { kind: 'filtered'; reasons?: string[] };

/**
 * A task's script. Polls (GETs of the task) are what move it: the first `queuedPolls` answer the
 * queued status (Kling `submitted`, Seedance `queued`, Sora `queued`; Veo has none: not `done`), the
 * next `runningPolls` the running one, and every later poll the outcome. Default 1, 1, succeed.
 */
export interface VideoTaskScript {
  queuedPolls?: number;
  runningPolls?: number;
  outcome?: VideoOutcome | VideoOutcome['kind'];
}

export interface ResolvedVideoTaskScript {
  queuedPolls: number;
  runningPolls: number;
  outcome: VideoOutcome;
}

export type FakeVideoTaskState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** One task as the fake holds it (live: it changes as the task is polled). */
export interface FakeVideoTask {
  /** The id the provider answers: Kling task_id, Seedance `cgt-…`, Sora `video_…`, Veo the operation name. */
  id: string;
  provider: VideoProvider;
  model: string;
  /** Kling's endpoint family; a task is found only under its own. */
  route?: 'text2video' | 'image2video';
  /** The submit body as received (multipart: the fields, files as `{filename, type, size}`). */
  body: unknown;
  prompt?: string;
  script: ResolvedVideoTaskScript;
  /** GETs of this task so far (list calls do not count). */
  polls: number;
  state: FakeVideoTaskState;
  /** The provider's own status word now. */
  status: string;
  createdAtMs: number;
  updatedAtMs: number;
  /** Seconds asked for (or the provider's default), or the scripted `durationSeconds` once succeeded. */
  durationSeconds: number;
  /** Output file ids once succeeded (Veo: one per `sampleCount`). */
  files: string[];
  /** Download requests served for this task's files (each ranged read counts). */
  downloads: number;
  error?: { code?: string | number; message: string };
  /**
   * What the answers are made from: Seedance resolution, ratio, fps, seed, frames; Sora size, seconds,
   * progress, remixedFrom; Veo sampleCount, filteredReasons; `deleted` once a DELETE removed the task.
   */
  params: Record<string, unknown>;
}

/** The operations faults can target. */
export type VideoOp = 'submit' | 'poll' | 'list' | 'cancel' | 'remix' | 'delete' | 'download';

/** A fault, answered in the targeted provider's own error shape. */
export type VideoFault =
  /** 429 with `retry-after` (default 1 s): Kling 1302, Ark RateLimitExceeded, Google RESOURCE_EXHAUSTED, OpenAI rate_limit_exceeded. */
  | { kind: 'rate_limit'; retryAfterSeconds?: number }
  /** 500 by default (502/503/504 as given): Kling 5000–5002, Ark InternalServiceError/ServerOverloaded, Google INTERNAL/UNAVAILABLE, OpenAI server_error. */
  | { kind: 'server_error'; status?: number }
  /** Out of credit: Kling 429 code 1102, Ark 403 AccountOverdueError, Google 429 quota, OpenAI 429 insufficient_quota. */
  | { kind: 'out_of_credit' }
  /** Never answer (until the fake closes): for timeouts. */
  | { kind: 'hang' }
  /** Destroy the socket without answering. */
  | { kind: 'reset' }
  /** Wait, then answer normally. */
  | { kind: 'delay'; ms: number };

/** The next `times` (default 1) requests matching provider and op (either absent: any) get `fault`. */
export interface VideoFaultPlan {
  provider?: VideoProvider;
  op?: VideoOp;
  times?: number;
  fault: VideoFault;
}

export interface FakeVideoKeys {
  kling: { accessKey: string; secretKey: string };
  seedance: string;
  veo: string;
  sora: string;
}

export interface FakeVideoOptions {
  keys?: Partial<FakeVideoKeys>;
  /** The script of tasks `next()` did not script. */
  defaults?: VideoTaskScript;
  /** Veo file downloads answer 302 to a signed storage URL on the fake (UNCONFIRMED upstream behaviour). */
  veoDownloadRedirect?: boolean;
}

export interface FakeVideo extends FakeServer {
  /** The fake's root, `http://127.0.0.1:<port>` (same as `baseUrl`). */
  url: string;
  /** Each provider's base_url as its codec takes it: root, root + `/api/v3`, root, root + `/v1`. */
  baseUrls: Record<VideoProvider, string>;
  keys: FakeVideoKeys;
  /** The deployment `api_key` per provider (Kling: `access_key:secret_key`). */
  deploymentKeys: Record<VideoProvider, string>;
  /** Every task submitted, in order (live objects). */
  tasks: FakeVideoTask[];
  /** Accepted submits per provider (Sora remixes included). */
  submits: Record<VideoProvider, number>;
  task(id: string): FakeVideoTask | undefined;
  /** Replaces the default script (fields not given keep the built-in defaults 1, 1, succeed). */
  setDefaults(script: VideoTaskScript): void;
  /** Scripts the next accepted submit (of `provider`, or of any provider when absent); queued in order. */
  next(script: VideoTaskScript & { provider?: VideoProvider }): void;
  /** Queues a fault; plans are matched in the order given. */
  inject(plan: VideoFaultPlan): void;
  /** Drops scripted submits and pending faults. */
  clearScripts(): void;
  /** The exact bytes the fake serves for a task's output (`sample`: Veo's n-th sample). */
  bytesOf(taskId: string, sample?: number): Buffer;
}

/** Credentials the fake accepts unless `startFakeVideo({ keys })` says otherwise. */
export const FAKE_VIDEO_KEYS: FakeVideoKeys = {
  kling: { accessKey: 'fake-kling-ak', secretKey: 'fake-kling-sk' },
  seedance: 'fake-ark-key',
  veo: 'fake-veo-key',
  sora: 'fake-sora-key',
};
