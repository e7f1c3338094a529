import type { VideoImage, VideoRequest } from '../../providers/core/video';
import type { VideoTaskStatus, VideoTaskView } from '../../modules/video/video-task.view';
import { DialectValidationError } from '../dialect-validation-error';
import type { VideoCreateCall } from './video-create-call';
import {
  TASK_ID_PATTERN,
  inlineImageAt,
  isObject,
  optCallbackUrlAt,
  optIntegerAt,
  optBooleanAt,
  optStringAt,
  requireStringAt,
  urlOrDataUriImageAt,
  unixSeconds,
} from './video-fields';

type Obj = Record<string, unknown>;

/**
 * OpenAI `size` (`WxH`) → aspect ratio and resolution. The Sora "tall/wide HD" sizes 1792x1024 and
 * 1024x1792 count as 1080p (their long side is nearer 1920 than 1280); 1024x1024 counts as 720p.
 */
export const OPENAI_VIDEO_SIZES: Readonly<Record<string, { aspectRatio: string; resolution: string }>> = {
  '1280x720': { aspectRatio: '16:9', resolution: '720p' },
  '720x1280': { aspectRatio: '9:16', resolution: '720p' },
  '1920x1080': { aspectRatio: '16:9', resolution: '1080p' },
  '1080x1920': { aspectRatio: '9:16', resolution: '1080p' },
  '1792x1024': { aspectRatio: '16:9', resolution: '1080p' },
  '1024x1792': { aspectRatio: '9:16', resolution: '1080p' },
  '854x480': { aspectRatio: '16:9', resolution: '480p' },
  '480x854': { aspectRatio: '9:16', resolution: '480p' },
  '720x720': { aspectRatio: '1:1', resolution: '720p' },
  '1024x1024': { aspectRatio: '1:1', resolution: '720p' },
  '1080x1080': { aspectRatio: '1:1', resolution: '1080p' },
};

/** Provider members a unified request may carry, forwarded as `VideoRequest.extensions[name]`. */
export const OPENAI_VIDEO_EXTENSION_KEYS = ['kling', 'seedance', 'veo', 'sora'] as const;

/**
 * Parses `POST /v1/videos` (JSON, or a multipart form the upload layer turned into fields, with an
 * uploaded `input_reference` handed over as `{data: base64, mimeType}`). Besides OpenAI's own fields
 * it takes `callback_url`, `negative_prompt`, `seed`, `audio` and the provider objects `kling`,
 * `seedance`, `veo`, `sora` (an object, or its JSON text in a form).
 */
export function parseOpenAiVideoCreate(body: Obj): VideoCreateCall {
  const publicModel = requireStringAt(body.model, 'model');
  const prompt = requireStringAt(body.prompt, 'prompt');
  const request: VideoRequest = { prompt };
  const call: VideoCreateCall = { publicModel, request };

  const seconds = secondsOf(body.seconds);
  if (seconds !== undefined) {
    request.durationSeconds = seconds;
    call.seconds = String(seconds);
  }
  const size = optStringAt(body.size, 'size');
  if (size !== undefined && size !== '') {
    const key = size.trim().toLowerCase();
    const known = Object.hasOwn(OPENAI_VIDEO_SIZES, key) ? OPENAI_VIDEO_SIZES[key] : undefined;
    if (!known)
      throw new DialectValidationError(
        `'size' must be one of ${Object.keys(OPENAI_VIDEO_SIZES).join(', ')}; got '${size}'`,
        'size',
      );
    request.aspectRatio = known.aspectRatio;
    request.resolution = known.resolution;
    call.size = key;
  }
  const image = inputReferenceOf(body.input_reference);
  if (image) request.image = image;

  const negativePrompt = optStringAt(body.negative_prompt, 'negative_prompt');
  if (negativePrompt !== undefined) request.negativePrompt = negativePrompt;
  const seed = optIntegerAt(body.seed, 'seed');
  if (seed !== undefined) request.seed = seed;
  const audio = booleanOf(body.audio, 'audio');
  if (audio !== undefined) request.audio = audio;
  const callbackUrl = optCallbackUrlAt(body.callback_url, 'callback_url');
  if (callbackUrl) call.callbackUrl = callbackUrl;

  for (const key of OPENAI_VIDEO_EXTENSION_KEYS) {
    const ext = extensionOf(body[key], key);
    if (ext) request.extensions = { ...request.extensions, [key]: ext };
  }
  return call;
}

/** Parses `POST /v1/videos/{id}/remix`: `{prompt}` (required). */
export function parseOpenAiVideoRemix(body: Obj): { prompt: string } {
  return { prompt: requireStringAt(body.prompt, 'prompt') };
}

/** `seconds`: OpenAI sends text (`"8"`); an integer is taken too. Whole seconds, at least 1. */
function secondsOf(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v.trim()) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1)
    throw new DialectValidationError(`'seconds' must be a whole number of seconds (e.g. "8")`, 'seconds');
  return n;
}

/** A boolean, or its text from a form field. */
function booleanOf(v: unknown, path: string): boolean | undefined {
  if (v === 'true') return true;
  if (v === 'false') return false;
  return optBooleanAt(v, path);
}

/** `{image_url}` (URL or data URI), an uploaded file `{data, mimeType}`, or the URL as text; never `{file_id}`. */
function inputReferenceOf(v: unknown): VideoImage | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') return urlOrDataUriImageAt(v, 'input_reference');
  if (!isObject(v))
    throw new DialectValidationError(
      "'input_reference' must be an uploaded image, {image_url} or {file_id}",
      'input_reference',
    );
  if (v.file_id !== undefined)
    throw new DialectValidationError(
      'input_reference.file_id is not supported: upload the image or give image_url',
      'input_reference.file_id',
    );
  if (v.image_url !== undefined) return urlOrDataUriImageAt(v.image_url, 'input_reference.image_url');
  if (typeof v.data === 'string' && typeof v.mimeType === 'string')
    return inlineImageAt(v.data, v.mimeType, 'input_reference');
  throw new DialectValidationError(
    "'input_reference' must be an uploaded image, {image_url} or {file_id}",
    'input_reference',
  );
}

/** A provider member: an object, or its JSON text (multipart forms carry text only). */
function extensionOf(v: unknown, key: string): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  let parsed: unknown = v;
  if (typeof v === 'string') {
    try {
      parsed = JSON.parse(v) as unknown;
    } catch {
      parsed = undefined;
    }
  }
  if (!isObject(parsed)) throw new DialectValidationError(`'${key}' must be an object`, key);
  return parsed;
}

/** The OpenAI video id of a gateway task id. */
export function openAiVideoId(id: string): string {
  return `video_${id}`;
}

/** The gateway task id in an OpenAI video id (`video_<32 hex>`), or undefined when it is not one. */
export function openAiVideoIdOf(publicId: string): string | undefined {
  if (!publicId.startsWith('video_')) return undefined;
  const id = publicId.slice('video_'.length);
  return TASK_ID_PATTERN.test(id) ? id : undefined;
}

const OPENAI_STATUS: Record<VideoTaskStatus, string> = {
  queued: 'queued',
  in_progress: 'in_progress',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'failed',
};

/**
 * The OpenAI `video` object of a task (providers.md §5). OpenAI has no cancelled state: a cancelled
 * task renders as `failed` with error code `cancelled`. Times are unix seconds; `expires_at` is null
 * (the gateway streams the content as long as it keeps the task).
 */
export function openAiVideoObject(view: VideoTaskView): Obj {
  const finished = view.status === 'completed' || view.status === 'failed' || view.status === 'cancelled';
  return {
    id: openAiVideoId(view.id),
    object: 'video',
    model: view.model,
    status: OPENAI_STATUS[view.status],
    progress: view.status === 'completed' ? 100 : view.progress,
    created_at: unixSeconds(view.createdAt),
    completed_at: finished ? unixSeconds(view.completedAt ?? view.updatedAt) : null,
    expires_at: null,
    prompt: view.request.prompt ?? null,
    seconds: view.seconds ?? null,
    size: view.size ?? null,
    remixed_from_video_id: view.remixedFromId ? openAiVideoId(view.remixedFromId) : null,
    error: errorOf(view),
  };
}

function errorOf(view: VideoTaskView): { code: string; message: string } | null {
  if (view.status === 'cancelled')
    return { code: 'cancelled', message: view.error?.message ?? 'The video task was cancelled' };
  if (view.status === 'failed')
    return view.error ?? { code: 'video_generation_failed', message: 'The video task failed' };
  return null;
}

/** `GET /v1/videos`: a cursor page of video objects. */
export function openAiVideoList(views: readonly VideoTaskView[], hasMore: boolean): Obj {
  const data = views.map(openAiVideoObject);
  return {
    object: 'list',
    data,
    first_id: data.length ? data[0].id : null,
    last_id: data.length ? data[data.length - 1].id : null,
    has_more: hasMore,
  };
}

/** `DELETE /v1/videos/{id}`'s answer, for the gateway task id. */
export function openAiVideoDeleted(id: string): Obj {
  return { id: openAiVideoId(id), object: 'video.deleted', deleted: true };
}
