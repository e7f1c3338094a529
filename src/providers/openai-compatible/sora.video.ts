import { joinUrl, type HttpMethod, type HttpRequestSpec, type ProviderContext } from '../core/adapter';
import { ProviderError } from '../core/provider-error';
import { unknownStatusSnapshot } from '../core/video-snapshot';
import type {
  VideoCodec,
  VideoImage,
  VideoOptions,
  VideoRequest,
  VideoTaskRef,
  VideoTaskSnapshot,
  VideoTaskState,
} from '../core/video';
import { parseOpenAiError } from './openai.errors';

/** OpenAI's own API; a deployment's base_url includes `/v1` (contract §9.1). */
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

type Obj = Record<string, unknown>;

const SECONDS = [4, 8, 12] as const;
const ASPECT_RATIOS = ['16:9', '9:16'] as const;
const RESOLUTIONS = ['720p', '1024p', '1080p'] as const;

/** `aspectRatio resolution` → Sora `size` (providers.md §5: 720x1280, 1280x720, 1024x1792, 1792x1024). */
const SIZES: Record<string, string> = {
  '16:9 720p': '1280x720',
  '9:16 720p': '720x1280',
  '16:9 1024p': '1792x1024',
  '9:16 1024p': '1024x1792',
  '16:9 1080p': '1792x1024',
  '9:16 1080p': '1024x1792',
};

/** Sora's default orientation and quality, filling in whichever of the two a request leaves out. */
const DEFAULT_ASPECT_RATIO = '9:16';
const DEFAULT_RESOLUTION = '720p';

/** The content renderings `GET /videos/{id}/content?variant=` serves. */
const VARIANTS = ['video', 'thumbnail', 'spritesheet'] as const;

const STATES: Record<string, VideoTaskState> = {
  queued: 'queued',
  in_progress: 'running',
  completed: 'succeeded',
  failed: 'failed',
};

/**
 * OpenAI Sora (providers.md §5): `POST {base}/videos` answers a Video object, polled at
 * `GET {base}/videos/{id}`; a completed video's content is downloaded from `{base}/videos/{id}/content`
 * with the deployment's key, so the output URL is that relative path. Remix and delete are their own
 * endpoints. Errors are the standard OpenAI error body.
 */
export const soraVideoCodec: VideoCodec = {
  options: {
    seconds: SECONDS,
    aspectRatios: ASPECT_RATIOS,
    resolutions: RESOLUTIONS,
  } satisfies VideoOptions,

  buildSubmit(req, ctx) {
    refuseUnsupported(req);
    const extension = req.extensions?.sora ?? {};
    const body: Obj = { model: ctx.deployment.upstreamModel, prompt: req.prompt };
    if (req.durationSeconds !== undefined) body.seconds = soraSeconds(req.durationSeconds);
    if (extension.size === undefined) {
      const size = soraSize(req.aspectRatio, req.resolution);
      if (size !== undefined) body.size = size;
    }
    if (req.image) body.input_reference = { image_url: imageUrl(req.image) };
    Object.assign(body, extension);
    return request(ctx, 'POST', '/videos', body);
  },

  parseSubmit(body) {
    const id = (body as Obj | null)?.id;
    if (typeof id !== 'string' || id.length === 0)
      throw new ProviderError({
        kind: 'upstream',
        message: 'Sora accepted a video without an id',
        raw: body,
      });
    return { upstreamTaskId: id };
  },

  buildPoll: (task, ctx) => request(ctx, 'GET', videoPath(task)),

  parsePoll(body): VideoTaskSnapshot {
    const video = (body ?? {}) as Obj;
    const status = String(video.status ?? '');
    const state = STATES[status];
    if (!state) return unknownStatusSnapshot('Sora', status);
    const snapshot: VideoTaskSnapshot = { state, upstreamStatus: status, outputs: [] };
    if (typeof video.progress === 'number') snapshot.progress = video.progress;
    const seconds =
      typeof video.seconds === 'string' || typeof video.seconds === 'number'
        ? String(video.seconds)
        : undefined;
    if (state === 'succeeded' && typeof video.id === 'string') {
      snapshot.outputs = [
        {
          url: `videos/${encodeURIComponent(video.id)}/content`,
          ...(seconds !== undefined ? { durationSeconds: seconds } : {}),
        },
      ];
      if (seconds !== undefined) snapshot.billableSeconds = seconds;
    }
    if (state === 'failed') {
      const error = (video.error ?? {}) as { code?: unknown; message?: unknown };
      snapshot.error = {
        ...(typeof error.code === 'string' && error.code ? { code: error.code } : {}),
        message: typeof error.message === 'string' && error.message ? error.message : 'Sora video failed',
      };
    }
    return snapshot;
  },

  buildDownload(url, ctx, variant) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//'))
      throw refused('url', 'a Sora output is a path under the deployment base URL, not an absolute URL');
    if (variant !== undefined && !(VARIANTS as readonly string[]).includes(variant))
      throw refused('variant', `Sora has no content variant '${variant}' (allowed: ${VARIANTS.join(', ')})`);
    const query = variant !== undefined && variant !== 'video' ? `?variant=${variant}` : '';
    const spec = request(ctx, 'GET', `/${url.replace(/^\/+/, '')}${query}`);
    spec.headers.accept = 'application/binary';
    return spec;
  },

  buildRemix: (task, prompt, ctx) => request(ctx, 'POST', `${videoPath(task)}/remix`, { prompt }),

  buildDelete: (task, ctx) => request(ctx, 'DELETE', videoPath(task)),

  parseError: parseOpenAiError,
};

/** Refuses what Sora cannot do, naming the parameter and, where there is a choice, the allowed values. */
function refuseUnsupported(req: VideoRequest): void {
  if (typeof req.prompt !== 'string' || req.prompt.length === 0)
    throw refused('prompt', 'a Sora video needs a prompt');
  if (req.lastFrame) throw refused('last_frame', 'Sora takes no last frame (only a first-frame image)');
  if (req.seed !== undefined) throw refused('seed', 'Sora takes no seed');
  if (req.negativePrompt !== undefined) throw refused('negative_prompt', 'Sora takes no negative prompt');
  if (req.audio === false) throw refused('audio', 'Sora cannot leave the sound out');
}

function soraSeconds(seconds: number): string {
  if (!(SECONDS as readonly number[]).includes(seconds))
    throw refused('seconds', `Sora makes videos of ${SECONDS.join(', ')} seconds, not ${seconds}`);
  return String(seconds);
}

/** The Sora size of an aspect ratio and resolution; none when the request names neither. */
function soraSize(aspectRatio: string | undefined, resolution: string | undefined): string | undefined {
  if (aspectRatio === undefined && resolution === undefined) return undefined;
  const size = SIZES[`${aspectRatio ?? DEFAULT_ASPECT_RATIO} ${resolution ?? DEFAULT_RESOLUTION}`];
  if (size === undefined)
    throw refused(
      'size',
      `Sora has no size for aspect ratio ${aspectRatio ?? DEFAULT_ASPECT_RATIO} at ${resolution ?? DEFAULT_RESOLUTION} ` +
        `(aspect ratios: ${ASPECT_RATIOS.join(', ')}; resolutions: ${RESOLUTIONS.join(', ')}; ` +
        `sizes: ${[...new Set(Object.values(SIZES))].join(', ')})`,
    );
  return size;
}

/** Sora takes a reference image as a URL or a `data:` URI. */
function imageUrl(image: VideoImage): string {
  return 'url' in image ? image.url : `data:${image.mimeType};base64,${image.data}`;
}

function videoPath(task: VideoTaskRef): string {
  return `/videos/${encodeURIComponent(task.upstreamTaskId)}`;
}

function request(ctx: ProviderContext, method: HttpMethod, path: string, body?: Obj): HttpRequestSpec {
  const apiKey = ctx.deployment.apiKey;
  if (!apiKey) throw new ProviderError({ kind: 'auth', message: 'the Sora deployment has no api_key' });
  const headers: Record<string, string> = {
    authorization: `Bearer ${apiKey}`,
    'x-request-id': ctx.requestId,
  };
  if (body) headers['content-type'] = 'application/json';
  return {
    method,
    url: joinUrl(ctx.deployment.baseUrl ?? OPENAI_DEFAULT_BASE_URL, path),
    headers,
    ...(body ? { body: JSON.stringify(body) } : {}),
  };
}

function refused(param: string, message: string): ProviderError {
  return new ProviderError({ kind: 'invalid_request', param, message });
}
