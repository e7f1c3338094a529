import { joinUrl, type HttpRequestSpec, type ProviderContext } from '../core/adapter';
import { ProviderError, type ProviderErrorKind } from '../core/provider-error';
import { secondsText, unknownStatusSnapshot } from '../core/video-snapshot';
import type { VideoCodec, VideoImage, VideoRequest, VideoTaskSnapshot, VideoTaskState } from '../core/video';

/** Volcengine Ark (BytePlus ModelArk: `https://ark.ap-southeast.bytepluses.com/api/v3`). */
export const SEEDANCE_DEFAULT_BASE_URL = 'https://ark.cn-beijing.volces.com/api/v3';

type Obj = Record<string, unknown>;

const STATES: Record<string, VideoTaskState> = {
  queued: 'queued',
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};

/**
 * Seedance on Volcengine Ark content generation tasks (providers.md §4): `POST
 * /contents/generations/tasks` with a text item (the prompt, then the inline commands `--rs`, `--rt`,
 * `--dur`, `--seed`) and image items (`first_frame`, `last_frame`), polled at `GET …/tasks/{id}`, a
 * queued task cancelled by `DELETE …/tasks/{id}`. A task is billed by the tokens its answer reports.
 */
export const seedanceVideoCodec: VideoCodec = {
  options: {
    seconds: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    aspectRatios: ['16:9', '4:3', '1:1', '3:4', '9:16', '21:9', 'adaptive'],
    resolutions: ['480p', '720p', '1080p'],
  },

  buildSubmit(req, ctx) {
    const content: Obj[] = [];
    const text = promptWithCommands(req);
    if (text) content.push({ type: 'text', text });
    if (req.image) content.push(imageItem(req.image, req.lastFrame ? 'first_frame' : undefined));
    if (req.lastFrame) content.push(imageItem(req.lastFrame, 'last_frame'));
    if (content.length === 0)
      throw new ProviderError({
        kind: 'invalid_request',
        param: 'prompt',
        message: 'a video needs a prompt or an image',
      });
    const body: Obj = { model: ctx.deployment.upstreamModel, content };
    if (req.audio !== undefined) body.generate_audio = req.audio;
    Object.assign(body, req.extensions?.seedance);
    return request(ctx, 'POST', '/contents/generations/tasks', body);
  },

  parseSubmit(body) {
    const id = (body as Obj | null)?.id;
    if (typeof id !== 'string' || id.length === 0)
      throw new ProviderError({
        kind: 'upstream',
        message: 'Seedance accepted a task without an id',
        raw: body,
      });
    return { upstreamTaskId: id };
  },

  buildPoll: (task, ctx) => request(ctx, 'GET', taskPath(task.upstreamTaskId)),
  buildCancel: (task, ctx) => request(ctx, 'DELETE', taskPath(task.upstreamTaskId)),

  parsePoll(body): VideoTaskSnapshot {
    const task = (body ?? {}) as Obj;
    const status = String(task.status ?? '');
    const state = STATES[status];
    if (!state) return unknownStatusSnapshot('Seedance', status);
    const video = (task.content as Obj | undefined)?.video_url;
    const seconds = durationOf(task);
    const outputs =
      typeof video === 'string'
        ? [{ url: video, ...(seconds !== undefined ? { durationSeconds: seconds } : {}) }]
        : [];
    const snapshot: VideoTaskSnapshot = { state, upstreamStatus: status, outputs };
    const tokens = (task.usage as Obj | undefined)?.completion_tokens;
    if (state === 'succeeded') {
      if (seconds !== undefined) snapshot.billableSeconds = seconds;
      if (typeof tokens === 'number' && Number.isInteger(tokens) && tokens >= 0)
        snapshot.billableTokens = tokens;
    }
    const error = task.error as { code?: unknown; message?: unknown } | null | undefined;
    if (state === 'failed')
      snapshot.error = {
        ...(typeof error?.code === 'string' ? { code: error.code } : {}),
        message: typeof error?.message === 'string' && error.message ? error.message : 'Seedance task failed',
      };
    return snapshot;
  },

  parseError: parseSeedanceError,
};

/** The prompt with the inline commands the request's settings become (`--rs 720p --rt 16:9 --dur 5`). */
function promptWithCommands(req: VideoRequest): string {
  const parts = req.prompt ? [req.prompt.trim()] : [];
  if (req.resolution !== undefined) parts.push(`--rs ${req.resolution}`);
  if (req.aspectRatio !== undefined) parts.push(`--rt ${req.aspectRatio}`);
  if (req.durationSeconds !== undefined) parts.push(`--dur ${req.durationSeconds}`);
  if (req.seed !== undefined) parts.push(`--seed ${req.seed}`);
  return parts.join(' ');
}

function imageItem(image: VideoImage, role: 'first_frame' | 'last_frame' | undefined): Obj {
  const url = 'url' in image ? image.url : `data:${image.mimeType};base64,${image.data}`;
  return { type: 'image_url', image_url: { url }, ...(role ? { role } : {}) };
}

/** `duration` in seconds, or `frames` / `framespersecond`, as exact decimal text (3 places at most). */
function durationOf(task: Obj): string | undefined {
  if (typeof task.duration === 'number' && task.duration >= 0) return String(task.duration);
  const { frames, framespersecond: fps } = task;
  if (typeof frames !== 'number' || typeof fps !== 'number' || fps <= 0) return undefined;
  return secondsText(Math.round((frames * 1000) / fps));
}

function taskPath(id: string): string {
  return `/contents/generations/tasks/${encodeURIComponent(id)}`;
}

function request(
  ctx: ProviderContext,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: Obj,
): HttpRequestSpec {
  const headers: Record<string, string> = {};
  if (ctx.deployment.apiKey) headers.authorization = `Bearer ${ctx.deployment.apiKey}`;
  if (body) headers['content-type'] = 'application/json';
  return {
    method,
    url: joinUrl(ctx.deployment.baseUrl ?? SEEDANCE_DEFAULT_BASE_URL, path),
    headers,
    ...(body ? { body: JSON.stringify(body) } : {}),
  };
}

/** Ark's `{error: {code, message, param, type}}` → error kinds by code, else by HTTP status. */
export function parseSeedanceError(status: number, body: unknown): ProviderError {
  const error = ((body as Obj | null)?.error ?? {}) as { code?: unknown; message?: unknown; param?: unknown };
  const code = typeof error.code === 'string' ? error.code : undefined;
  const message =
    typeof error.message === 'string' && error.message ? error.message : `Seedance answered HTTP ${status}`;
  return new ProviderError({
    kind: kindOf(status, code),
    message,
    upstreamStatus: status,
    ...(code ? { upstreamCode: code } : {}),
    ...(typeof error.param === 'string' ? { param: error.param } : {}),
    raw: body,
  });
}

function kindOf(status: number, code: string | undefined): ProviderErrorKind {
  if (code && /SensitiveContent|Risk|ContentSecurity/i.test(code)) return 'content_filter';
  if (code && /Overdue|Insufficient|Arrear/i.test(code)) return 'insufficient_credit';
  if (code && /Unauthorized|AuthenticationError|AccessDenied|NotOpen/i.test(code)) return 'auth';
  if (code && /NotFound/i.test(code)) return 'not_found';
  if (code && /RateLimit|QuotaExceeded|TooMany/i.test(code)) return 'rate_limit';
  if (code && /Overload|Unavailable/i.test(code)) return 'overloaded';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limit';
  if (status === 503) return 'overloaded';
  if (status === 504) return 'timeout';
  if (status >= 500) return 'upstream';
  return 'invalid_request';
}
