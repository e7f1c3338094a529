import type { VideoImage, VideoRequest } from '../../providers/core/video';
import type { VideoTaskView } from '../../modules/video/video-task.view';
import { DialectValidationError } from '../dialect-validation-error';
import type { VideoCreateCall } from './video-create-call';
import {
  TASK_ID_PATTERN,
  inlineImageAt,
  isObject,
  optBooleanAt,
  optEnumAt,
  optIntegerAt,
  optObjectAt,
  optStringAt,
  sniffImageMimeType,
} from './video-fields';

type Obj = Record<string, unknown>;

/** `parameters` members the parse turns into request fields; the others go to `extensions.veo` verbatim. */
const MAPPED_PARAMETERS = new Set([
  'aspectRatio',
  'durationSeconds',
  'resolution',
  'negativePrompt',
  'sampleCount',
  'seed',
  'generateAudio',
]);

/**
 * Parses the Gemini API's `POST /v1beta/models/{model}:predictLongRunning` body as `@google/genai`'s
 * `models.generateVideos` sends it (providers.md §2.1): one instance with `prompt`, `image` and
 * `lastFrame` (`{bytesBase64Encoded, mimeType}`, or `{inlineData: {data, mimeType}}`; the media type is
 * sniffed when absent), and `parameters`. `sampleCount` above 1 is refused (one video per task), as
 * are `referenceImages`, a source `video`, `gcsUri` images and `webhookConfig`, which the gateway does
 * not take. `seed` and `generateAudio` become request fields (the Veo codec refuses what the Gemini API
 * does not take); `personGeneration`, `enhancePrompt` and other parameters go to `extensions.veo`.
 */
export function parseVeoPredict(publicModel: string, body: Obj): VideoCreateCall {
  const instances = body.instances;
  if (!Array.isArray(instances) || instances.length === 0)
    throw new DialectValidationError("Missing required parameter: 'instances'", 'instances');
  if (instances.length > 1)
    throw new DialectValidationError('instances takes exactly one instance', 'instances');
  const instance = optObjectAt(instances[0], 'instances[0]') ?? {};
  for (const key of ['referenceImages', 'video'])
    if (instance[key] !== undefined && instance[key] !== null)
      throw new DialectValidationError(
        `instances[0].${key} is not supported by this gateway`,
        `instances[0].${key}`,
      );
  if (body.webhookConfig !== undefined && body.webhookConfig !== null)
    throw new DialectValidationError('webhookConfig is not supported by this gateway', 'webhookConfig');

  const request: VideoRequest = {};
  const prompt = optStringAt(instance.prompt, 'instances[0].prompt');
  if (prompt !== undefined && prompt !== '') request.prompt = prompt;
  const image = veoImageOf(instance.image, 'instances[0].image');
  if (image) request.image = image;
  const lastFrame = veoImageOf(instance.lastFrame, 'instances[0].lastFrame');
  if (lastFrame) request.lastFrame = lastFrame;
  if (!request.prompt && !request.image)
    throw new DialectValidationError(
      "Missing required parameter: 'instances[0].prompt'",
      'instances[0].prompt',
    );

  const parameters = optObjectAt(body.parameters, 'parameters') ?? {};
  const call: VideoCreateCall = { publicModel, request };
  const aspectRatio = optEnumAt(parameters.aspectRatio, 'parameters.aspectRatio', ['16:9', '9:16']);
  if (aspectRatio) request.aspectRatio = aspectRatio;
  const duration = optIntegerAt(parameters.durationSeconds, 'parameters.durationSeconds', 1, 60);
  if (duration !== undefined) {
    request.durationSeconds = duration;
    call.seconds = String(duration);
  }
  const resolution = optStringAt(parameters.resolution, 'parameters.resolution');
  if (resolution) request.resolution = resolution;
  const negativePrompt = optStringAt(parameters.negativePrompt, 'parameters.negativePrompt');
  if (negativePrompt) request.negativePrompt = negativePrompt;
  const samples = optIntegerAt(parameters.sampleCount, 'parameters.sampleCount', 1);
  if (samples !== undefined && samples > 1)
    throw new DialectValidationError(
      `parameters.sampleCount must be 1 (one video per task), got ${samples}`,
      'parameters.sampleCount',
    );
  const seed = optIntegerAt(parameters.seed, 'parameters.seed', 0);
  if (seed !== undefined) request.seed = seed;
  const audio = optBooleanAt(parameters.generateAudio, 'parameters.generateAudio');
  if (audio !== undefined) request.audio = audio;

  const veo: Obj = {};
  for (const [key, value] of Object.entries(parameters))
    if (!MAPPED_PARAMETERS.has(key) && value !== undefined) veo[key] = value;
  if (Object.keys(veo).length) request.extensions = { veo };
  return call;
}

/** `{bytesBase64Encoded, mimeType}` or `{inlineData: {data, mimeType}}`; never `gcsUri` (Vertex AI only). */
function veoImageOf(v: unknown, path: string): VideoImage | undefined {
  const image = optObjectAt(v, path);
  if (!image) return undefined;
  if (image.gcsUri !== undefined)
    throw new DialectValidationError(`${path}.gcsUri is not supported on the Gemini API`, `${path}.gcsUri`);
  const inline = isObject(image.inlineData) ? image.inlineData : undefined;
  const dataPath = inline ? `${path}.inlineData.data` : `${path}.bytesBase64Encoded`;
  const data = optStringAt(inline ? inline.data : image.bytesBase64Encoded, dataPath);
  if (!data) throw new DialectValidationError(`'${path}' needs bytesBase64Encoded`, dataPath);
  const mimePath = inline ? `${path}.inlineData.mimeType` : `${path}.mimeType`;
  const mimeType =
    optStringAt(inline ? inline.mimeType : image.mimeType, mimePath) || sniffImageMimeType(data.trim());
  if (!mimeType)
    throw new DialectValidationError(`'${mimePath}' is required (PNG, JPEG, WebP or GIF)`, mimePath);
  return inlineImageAt(data, mimeType, dataPath);
}

/** The operation name of a task: `models/<public model>/operations/<id>`. */
export function veoOperationName(view: Pick<VideoTaskView, 'id' | 'model'>): string {
  return `models/${view.model}/operations/${view.id}`;
}

/** The gateway task id in an operation name (`models/x/operations/<id>` or `operations/<id>`), or undefined. */
export function veoOperationIdOf(name: string): string | undefined {
  const m = /^(?:models\/[^/]+\/)?operations\/([^/]+)$/.exec(name);
  return m && TASK_ID_PATTERN.test(m[1]) ? m[1] : undefined;
}

/**
 * The id of a task's output file: `<task id>v<index>`. Only `[a-z0-9]`, because `@google/genai`'s
 * `files.download` takes the first `[a-z0-9]+` run after `files/` in the URI as the file name.
 */
export function veoFileId(taskId: string, index: number): string {
  return `${taskId}v${index}`;
}

/** The task id and output index in a file id made by `veoFileId`, or undefined. */
export function parseVeoFileId(fileId: string): { taskId: string; index: number } | undefined {
  const m = /^([0-9a-f]{32})v(\d{1,4})$/.exec(fileId);
  return m ? { taskId: m[1], index: Number(m[2]) } : undefined;
}

/** The `@type` of a finished Veo operation's response on the Gemini API. */
export const VEO_RESPONSE_TYPE =
  'type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse';

/**
 * A task as the Gemini API's long-running operation (providers.md §2.2): no `done` while it runs;
 * `done` with `response.generateVideoResponse.generatedSamples[].video.uri` (the gateway's own file
 * URL, made by `fileUrl` from the file id, contract §5) once completed; `done` with a google.rpc
 * `error` (code 1 CANCELLED, 4 DEADLINE_EXCEEDED for `task_timeout`, else 13 INTERNAL) otherwise.
 */
export function veoOperation(view: VideoTaskView, fileUrl: (fileId: string) => string): Obj {
  const name = veoOperationName(view);
  if (view.status === 'queued' || view.status === 'in_progress') return { name };
  if (view.status === 'completed')
    return {
      name,
      done: true,
      response: {
        '@type': VEO_RESPONSE_TYPE,
        generateVideoResponse: {
          generatedSamples: view.outputs.map((_, i) => ({ video: { uri: fileUrl(veoFileId(view.id, i)) } })),
        },
      },
    };
  const code = view.status === 'cancelled' ? 1 : view.error?.code === 'task_timeout' ? 4 : 13;
  const message = view.error
    ? `${view.error.code}: ${view.error.message}`
    : view.status === 'cancelled'
      ? 'cancelled: the video task was cancelled'
      : 'the video task failed';
  return { name, done: true, error: { code, message } };
}
