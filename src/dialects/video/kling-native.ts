import type { VideoImage, VideoRequest } from '../../providers/core/video';
import type { VideoTaskStatus, VideoTaskView } from '../../modules/video/video-task.view';
import { DialectValidationError, shown } from '../dialect-validation-error';
import type { VideoCreateCall } from './video-create-call';
import {
  TASK_ID_PATTERN,
  inlineImageAt,
  isHttpUrl,
  optCallbackUrlAt,
  optEnumAt,
  optStringAt,
  requireStringAt,
  sniffImageMimeType,
  urlOrDataUriImageAt,
} from './video-fields';

type Obj = Record<string, unknown>;

/** Kling's endpoint families (providers.md §3.2). */
export type KlingRoute = 'text2video' | 'image2video';

/** The model Kling itself uses when `model_name` is absent. */
export const KLING_DEFAULT_MODEL = 'kling-v1';

/** Members the parse turns into request fields; every other member is kept in `extensions.kling`. */
const MAPPED = new Set([
  'model_name',
  'model',
  'prompt',
  'negative_prompt',
  'image',
  'image_tail',
  'duration',
  'aspect_ratio',
  'mode',
  'sound',
  'callback_url',
]);

/**
 * Parses Kling's `POST /v1/videos/{text2video|image2video}` body. `model_name` defaults to `kling-v1`
 * as on Kling (the catalog then decides whether that public model exists). `mode` (`std`|`pro`) is kept
 * as the request's resolution (Kling's quality mode, what the Kling codec sends as `mode`). Members
 * without a neutral field (`cfg_scale`, `camera_control`, masks, `external_task_id`, newer ones) are
 * kept verbatim in `extensions.kling`, so a Kling deployment gets them unchanged.
 */
export function parseKlingCreate(route: KlingRoute, body: Obj): VideoCreateCall {
  const publicModel =
    optStringAt(body.model_name, 'model_name') || optStringAt(body.model, 'model') || KLING_DEFAULT_MODEL;
  const request: VideoRequest = {};
  const prompt =
    route === 'text2video'
      ? requireStringAt(body.prompt, 'prompt', 2500)
      : optStringAt(body.prompt, 'prompt', 2500);
  if (prompt !== undefined && prompt !== '') request.prompt = prompt;
  const negative = optStringAt(body.negative_prompt, 'negative_prompt', 2500);
  if (negative) request.negativePrompt = negative;

  if (route === 'text2video') {
    for (const key of ['image', 'image_tail'])
      if (body[key] !== undefined && body[key] !== null && body[key] !== '')
        throw new DialectValidationError(`'${key}' belongs to image2video, not text2video`, key);
  } else {
    const image = klingImageOf(body.image, 'image');
    const tail = klingImageOf(body.image_tail, 'image_tail');
    if (image) request.image = image;
    if (tail) request.lastFrame = tail;
    if (!image && !tail && body.static_mask === undefined && body.dynamic_masks === undefined)
      throw new DialectValidationError("image2video needs 'image' or 'image_tail'", 'image');
  }

  const duration = durationOf(body.duration);
  const aspectRatio = optEnumAt(body.aspect_ratio, 'aspect_ratio', ['16:9', '9:16', '1:1']);
  if (aspectRatio) request.aspectRatio = aspectRatio;
  const mode = optEnumAt(body.mode, 'mode', ['std', 'pro']);
  if (mode) request.resolution = mode;
  const sound = optEnumAt(body.sound, 'sound', ['on', 'off']);
  if (sound) request.audio = sound === 'on';

  const kling: Obj = {};
  for (const [key, value] of Object.entries(body))
    if (!MAPPED.has(key) && value !== undefined) kling[key] = value;
  if (Object.keys(kling).length) request.extensions = { kling };

  const call: VideoCreateCall = { publicModel, request, nativeRoute: route };
  if (duration !== undefined) {
    request.durationSeconds = Number(duration);
    call.seconds = duration;
  }
  const callbackUrl = optCallbackUrlAt(body.callback_url, 'callback_url');
  if (callbackUrl) call.callbackUrl = callbackUrl;
  return call;
}

/** `duration`: Kling sends text (`"5"`, `"10"`); the same numbers are taken too. */
function durationOf(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const text = typeof v === 'number' ? String(v) : v;
  if (text !== '5' && text !== '10')
    throw new DialectValidationError(`'duration' must be one of '5', '10', got '${shown(v)}'`, 'duration');
  return text;
}

/** An image: a URL, or raw base64 without a `data:` prefix (a data URI is taken too); PNG or JPEG. */
function klingImageOf(v: unknown, path: string): VideoImage | undefined {
  const s = optStringAt(v, path);
  if (s === undefined || s.trim() === '') return undefined;
  const text = s.trim();
  if (text.startsWith('data:') || isHttpUrl(text)) return urlOrDataUriImageAt(text, path);
  const clean = text.replace(/\s+/g, '');
  const mimeType = sniffImageMimeType(clean);
  if (!mimeType)
    throw new DialectValidationError(`'${path}' must be an image URL or base64 PNG/JPEG bytes`, path);
  return inlineImageAt(clean, mimeType, path);
}

const KLING_STATUS: Record<VideoTaskStatus, string> = {
  queued: 'submitted',
  in_progress: 'processing',
  completed: 'succeed',
  failed: 'failed',
  cancelled: 'failed',
};

/**
 * A task in Kling's envelope (providers.md §3.3): `task_status` `submitted|processing|succeed|failed`
 * (a cancelled task is `failed`), times in ms, `task_result.videos` only once it succeeded, with the
 * provider's own public URL (contract §9.14). The `task_id` is the gateway's id.
 */
export function klingTaskEnvelope(view: VideoTaskView, requestId: string): Obj {
  return { code: 0, message: 'SUCCEED', request_id: requestId, data: klingTaskData(view) };
}

/** The envelope's `data`: one Kling task object. */
export function klingTaskData(view: VideoTaskView): Obj {
  const externalId = view.request.extensions?.kling?.external_task_id;
  const data: Obj = {
    task_id: view.id,
    task_status: KLING_STATUS[view.status],
    task_status_msg: statusMessage(view),
    created_at: view.createdAt.getTime(),
    updated_at: view.updatedAt.getTime(),
    task_info: typeof externalId === 'string' ? { external_task_id: externalId } : {},
  };
  if (view.status === 'completed')
    data.task_result = {
      videos: view.outputs.map((o, i) => ({
        id: `${view.id}-${i}`,
        url: o.url,
        duration: o.durationSeconds ?? view.seconds ?? '',
      })),
    };
  return data;
}

function statusMessage(view: VideoTaskView): string {
  if (view.status === 'cancelled') return view.error?.message ?? 'cancelled';
  if (view.status === 'failed') return view.error?.message ?? 'failed';
  return '';
}

/** The gateway task id in a Kling `task_id` (the id itself, 32 lowercase hex), or undefined. */
export function klingTaskIdOf(publicId: string): string | undefined {
  return TASK_ID_PATTERN.test(publicId) ? publicId : undefined;
}
