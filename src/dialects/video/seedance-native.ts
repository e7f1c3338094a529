import type { VideoImage, VideoRequest } from '../../providers/core/video';
import type { VideoTaskStatus, VideoTaskView } from '../../modules/video/video-task.view';
import { DialectValidationError, shown } from '../dialect-validation-error';
import type { VideoCreateCall } from './video-create-call';
import {
  TASK_ID_PATTERN,
  isObject,
  optBooleanAt,
  optCallbackUrlAt,
  optIntegerAt,
  optStringAt,
  requireStringAt,
  unixSeconds,
  urlOrDataUriImageAt,
} from './video-fields';

type Obj = Record<string, unknown>;

/** Top-level members the parse turns into request fields; every other member goes to `extensions.seedance`. */
const MAPPED = new Set([
  'model',
  'content',
  'callback_url',
  'resolution',
  'ratio',
  'duration',
  'seed',
  'generate_audio',
]);

/** Inline text commands that become request fields (long and short form, providers.md §4.1). */
const COMMANDS: Record<string, 'resolution' | 'ratio' | 'duration' | 'seed'> = {
  '--rs': 'resolution',
  '--resolution': 'resolution',
  '--rt': 'ratio',
  '--ratio': 'ratio',
  '--dur': 'duration',
  '--duration': 'duration',
  '--seed': 'seed',
};

const RESOLUTIONS = ['480p', '720p', '1080p'];
const RATIOS = ['16:9', '4:3', '1:1', '3:4', '9:16', '21:9', 'keep_ratio', 'adaptive'];

/**
 * Parses Ark's `POST /contents/generations/tasks` body (providers.md §4.1). The text item's inline
 * commands `--rs`, `--rt`, `--dur` and `--seed` (and their long forms) are taken out of the prompt into
 * the request's fields (`--seed -1`, "random", is dropped); the others (`--wm`, `--cf`, `--fps`,
 * `--frames`) stay in the prompt, Ark's documented way to send them. The top-level `resolution`,
 * `ratio`, `duration` and `seed` are taken too (they win over the commands). Images are `first_frame`
 * (role optional for a single image) and `last_frame`; reference images, video and audio items are
 * refused. Members without a neutral field (`return_last_frame`, `service_tier`, `watermark`, …) are
 * kept verbatim in `extensions.seedance`.
 */
export function parseSeedanceCreate(body: Obj): VideoCreateCall {
  const publicModel = requireStringAt(body.model, 'model');
  if (!Array.isArray(body.content) || body.content.length === 0)
    throw new DialectValidationError("Missing required parameter: 'content'", 'content');

  const request: VideoRequest = {};
  const flags: Partial<
    Record<'resolution' | 'ratio' | 'duration' | 'seed', { value: string; path: string }>
  > = {};
  const images: Array<{ image: VideoImage; role?: string; path: string }> = [];
  body.content.forEach((item: unknown, i) => {
    const path = `content[${i}]`;
    if (!isObject(item)) throw new DialectValidationError(`'${path}' must be an object`, path);
    if (item.type === 'text') {
      if (request.prompt !== undefined)
        throw new DialectValidationError('content takes one text item', `${path}.type`);
      const { prompt, commands } = splitCommands(requireStringAt(item.text, `${path}.text`));
      for (const [key, value] of Object.entries(commands))
        flags[key as keyof typeof flags] = { value, path: `${path}.text` };
      request.prompt = prompt;
    } else if (item.type === 'image_url') {
      const imageUrl = item.image_url;
      if (!isObject(imageUrl))
        throw new DialectValidationError(`'${path}.image_url' must be an object`, `${path}.image_url`);
      const image = urlOrDataUriImageAt(imageUrl.url, `${path}.image_url.url`);
      const role = optStringAt(item.role, `${path}.role`);
      if (role !== undefined && role !== 'first_frame' && role !== 'last_frame')
        throw new DialectValidationError(
          `'${path}.role' must be one of 'first_frame', 'last_frame'${role === 'reference_image' ? ' (reference images are not supported)' : ''}, got '${role}'`,
          `${path}.role`,
        );
      images.push({ image, role, path });
    } else {
      throw new DialectValidationError(
        `'${path}.type' must be one of 'text', 'image_url', got '${shown(item.type)}'`,
        `${path}.type`,
      );
    }
  });
  if (request.prompt === '') delete request.prompt;
  assignImages(request, images);
  if (request.prompt === undefined && !request.image)
    throw new DialectValidationError('content needs a text prompt or a first frame image', 'content');

  const resolution = pick(body.resolution, 'resolution', flags.resolution);
  if (resolution !== undefined) request.resolution = oneOf(resolution.value, resolution.path, RESOLUTIONS);
  const ratio = pick(body.ratio, 'ratio', flags.ratio);
  if (ratio !== undefined) request.aspectRatio = oneOf(ratio.value, ratio.path, RATIOS);
  const duration = pick(body.duration, 'duration', flags.duration);
  const call: VideoCreateCall = { publicModel, request };
  if (duration !== undefined) {
    request.durationSeconds = optIntegerAt(duration.value, duration.path, 1, 60);
    call.seconds = String(request.durationSeconds);
  }
  const seed = pick(body.seed, 'seed', flags.seed);
  if (seed !== undefined) {
    const n = optIntegerAt(seed.value, seed.path, -1, 4294967295);
    if (n !== undefined && n >= 0) request.seed = n;
  }
  const audio = optBooleanAt(body.generate_audio, 'generate_audio');
  if (audio !== undefined) request.audio = audio;

  const seedance: Obj = {};
  for (const [key, value] of Object.entries(body))
    if (!MAPPED.has(key) && value !== undefined) seedance[key] = value;
  if (Object.keys(seedance).length) request.extensions = { seedance };
  const callbackUrl = optCallbackUrlAt(body.callback_url, 'callback_url');
  if (callbackUrl) call.callbackUrl = callbackUrl;
  return call;
}

/** The prompt without the commands that become fields, and those commands' values. */
function splitCommands(text: string): { prompt: string; commands: Record<string, string> } {
  const commands: Record<string, string> = {};
  const kept: string[] = [];
  const tokens = text.split(/(\s+)/);
  for (let i = 0; i < tokens.length; i++) {
    const field = Object.hasOwn(COMMANDS, tokens[i]) ? COMMANDS[tokens[i]] : undefined;
    const value = tokens[i + 2];
    if (field && value !== undefined && value !== '' && !value.startsWith('--')) {
      commands[field] = value;
      if (kept.length && /^\s+$/.test(kept[kept.length - 1])) kept.pop();
      i += 2;
      continue;
    }
    kept.push(tokens[i]);
  }
  return { prompt: kept.join('').trim(), commands };
}

/** A top-level member, else the inline command's value. */
function pick(
  top: unknown,
  key: string,
  flag: { value: string; path: string } | undefined,
): { value: unknown; path: string } | undefined {
  if (top !== undefined && top !== null) return { value: top, path: key };
  return flag;
}

function oneOf(v: unknown, path: string, allowed: readonly string[]): string {
  if (typeof v !== 'string' || !allowed.includes(v))
    throw new DialectValidationError(
      `'${path}' must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got '${shown(v)}'`,
      path,
    );
  return v;
}

/** One image: the first frame; two: `first_frame` and `last_frame`, both named. */
function assignImages(
  request: VideoRequest,
  images: Array<{ image: VideoImage; role?: string; path: string }>,
): void {
  if (images.length === 0) return;
  if (images.length === 1) {
    const [only] = images;
    if (only.role === 'last_frame')
      throw new DialectValidationError('a last_frame image needs a first_frame image', `${only.path}.role`);
    request.image = only.image;
    return;
  }
  if (images.length > 2)
    throw new DialectValidationError(
      'content takes at most two images (first_frame, last_frame)',
      images[2].path,
    );
  const first = images.find((x) => x.role === 'first_frame');
  const last = images.find((x) => x.role === 'last_frame');
  if (!first || !last)
    throw new DialectValidationError(
      "two images need the roles 'first_frame' and 'last_frame'",
      `${(images.find((x) => x.role === undefined) ?? images[1]).path}.role`,
    );
  request.image = first.image;
  request.lastFrame = last.image;
}

/** The Ark task id of a gateway task id. */
export function seedanceTaskId(id: string): string {
  return `cgt-${id}`;
}

/** The gateway task id in an Ark task id (`cgt-<32 hex>`), or undefined when it is not one. */
export function seedanceIdOf(publicId: string): string | undefined {
  if (!publicId.startsWith('cgt-')) return undefined;
  const id = publicId.slice(4);
  return TASK_ID_PATTERN.test(id) ? id : undefined;
}

const SEEDANCE_STATUS: Record<VideoTaskStatus, string> = {
  queued: 'queued',
  in_progress: 'running',
  completed: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};

/**
 * A task as Ark's `GET /contents/generations/tasks/{id}` shows it (providers.md §4.2): `content.video_url`
 * (the provider's public URL, contract §9.14) once succeeded, `error` only when failed, times in unix
 * seconds, and the settings the request asked for.
 */
export function seedanceTask(view: VideoTaskView): Obj {
  const task: Obj = {
    id: seedanceTaskId(view.id),
    model: view.model,
    status: SEEDANCE_STATUS[view.status],
    error:
      view.status === 'failed'
        ? {
            code: view.error?.code ?? 'InternalServiceError',
            message: view.error?.message ?? 'The task failed',
          }
        : null,
    created_at: unixSeconds(view.createdAt),
    updated_at: unixSeconds(view.updatedAt),
  };
  if (view.status === 'completed' && view.outputs.length) task.content = { video_url: view.outputs[0].url };
  const { seed, resolution, aspectRatio } = view.request;
  if (seed !== undefined) task.seed = seed;
  if (resolution !== undefined) task.resolution = resolution;
  if (aspectRatio !== undefined) task.ratio = aspectRatio;
  const duration = wholeSeconds(view);
  if (duration !== undefined) task.duration = duration;
  return task;
}

/** Ark's `duration` is whole seconds: the billed ones when whole, else the requested ones, else rounded. */
function wholeSeconds(view: VideoTaskView): number | undefined {
  const billed = view.seconds !== undefined ? Number(view.seconds) : undefined;
  if (billed !== undefined && Number.isInteger(billed)) return billed;
  if (view.request.durationSeconds !== undefined) return view.request.durationSeconds;
  return billed !== undefined && Number.isFinite(billed) ? Math.round(billed) : undefined;
}

/** `GET /contents/generations/tasks`: a page of tasks and the total. */
export function seedanceTaskList(views: readonly VideoTaskView[], total: number): Obj {
  return { items: views.map(seedanceTask), total };
}
