import { OPENAI_VIDEO_SIZES } from '../../dialects/video/openai-videos';

/**
 * JSON Schemas (OpenAPI 3.1) of the video task routes (contract §5), in each dialect's own shape as
 * the renderers in src/dialects/video write them and as providers.md §2–5 describe the providers':
 * the unified OpenAI `/v1/videos` family, Kling's envelope, Seedance (Ark) tasks and Veo's long-running
 * operations, plus the Kling and Seedance error bodies. Requests stay open (members without a neutral
 * field are forwarded to the provider); answers list what the gateway writes.
 */
type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const obj = (properties: Record<string, Schema>, extra: Schema = {}): Schema => ({
  type: 'object',
  properties,
  additionalProperties: true,
  ...extra,
});
const str = (description?: string): Schema =>
  description ? { type: 'string', description } : { type: 'string' };
const strOrNull = (description?: string): Schema => ({
  type: ['string', 'null'],
  ...(description ? { description } : {}),
});
const int: Schema = { type: 'integer', format: 'int32' };
const int64 = (description: string): Schema => ({ type: 'integer', format: 'int64', description });
const bool: Schema = { type: 'boolean' };
const arr = (items: Schema, extra: Schema = {}): Schema => ({ type: 'array', items, ...extra });
const oneOf = (values: readonly string[], description?: string): Schema => ({
  type: 'string',
  enum: [...values],
  ...(description ? { description } : {}),
});
const uri = (description: string): Schema => ({ type: 'string', format: 'uri', description });
const CALLBACK_URL = uri(
  "POSTed the final task object, signed with `x-switchboard-signature` (HMAC-SHA256 with the key's webhook_secret)",
);
const UNIX_SECONDS = int64('unix seconds');
const taskError = (code: Schema): Schema => ({
  type: 'object',
  properties: { code, message: str() },
  required: ['code', 'message'],
});

/** The unified OpenAI `/v1/videos` API (providers.md §5), for every video provider. */
const OPENAI_VIDEO_SCHEMAS: Record<string, Schema> = {
  CreateVideoRequest: obj(
    {
      model: str('a public video model of the gateway'),
      prompt: str(),
      seconds: {
        type: ['string', 'integer'],
        pattern: '^\\d+$',
        description: 'whole seconds, as text ("8") or a number',
      },
      size: oneOf(Object.keys(OPENAI_VIDEO_SIZES), '`WxH`: the aspect ratio and resolution'),
      input_reference: {
        anyOf: [
          str('multipart: the uploaded first-frame image; JSON: its URL or data URI'),
          obj({ image_url: str('an image URL or data URI') }, { required: ['image_url'] }),
        ],
      },
      negative_prompt: str(),
      seed: int,
      audio: { type: ['boolean', 'string'], description: 'true or false (its text in a form)' },
      callback_url: CALLBACK_URL,
      kling: providerMembers('Kling'),
      seedance: providerMembers('Seedance'),
      veo: providerMembers('Veo'),
      sora: providerMembers('Sora'),
    },
    { required: ['model', 'prompt'] },
  ),
  VideoResource: {
    type: 'object',
    properties: {
      id: str('`video_` and the gateway task id'),
      object: { type: 'string', const: 'video' },
      model: str('the public model'),
      status: oneOf(
        ['queued', 'in_progress', 'completed', 'failed'],
        'a cancelled task is `failed` with error code `cancelled`',
      ),
      progress: { ...int, minimum: 0, maximum: 100 },
      created_at: UNIX_SECONDS,
      completed_at: { type: ['integer', 'null'], format: 'int64', description: 'unix seconds' },
      expires_at: { type: 'null', description: 'the gateway keeps the content as long as the task' },
      prompt: strOrNull(),
      seconds: strOrNull('the billed seconds once known, else the requested ones'),
      size: strOrNull(),
      remixed_from_video_id: strOrNull(),
      error: { anyOf: [taskError(str()), { type: 'null' }] },
    },
    required: ['id', 'object', 'model', 'status', 'progress', 'created_at', 'completed_at', 'error'],
  },
  VideoListResource: {
    type: 'object',
    properties: {
      object: { type: 'string', const: 'list' },
      data: arr(ref('VideoResource')),
      first_id: strOrNull(),
      last_id: strOrNull(),
      has_more: bool,
    },
    required: ['object', 'data', 'first_id', 'last_id', 'has_more'],
  },
  VideoContent: {
    type: 'string',
    contentMediaType: 'video/mp4',
    description: 'The MP4 bytes, streamed through the gateway (206 with `Range`)',
  },
  RemixVideoRequest: obj({ prompt: str() }, { required: ['prompt'] }),
  DeletedVideoResource: {
    type: 'object',
    properties: {
      id: str(),
      object: { type: 'string', const: 'video.deleted' },
      deleted: { type: 'boolean', const: true },
    },
    required: ['id', 'object', 'deleted'],
  },
};

/** Kling's `/v1/videos/{text2video|image2video}` (providers.md §3). */
const KLING_SCHEMAS: Record<string, Schema> = {
  KlingCreateVideoRequest: obj({
    model_name: str('a public model; default `kling-v1`'),
    model: str('legacy name of model_name'),
    prompt: { type: 'string', maxLength: 2500, description: 'required for text2video' },
    negative_prompt: { type: 'string', maxLength: 2500 },
    image: str('image2video: a URL, or base64 PNG/JPEG bytes without a `data:` prefix'),
    image_tail: str('image2video: the end frame, as image'),
    static_mask: str(),
    dynamic_masks: arr({ type: 'object' }),
    cfg_scale: { type: 'number', minimum: 0, maximum: 1 },
    mode: oneOf(['std', 'pro']),
    aspect_ratio: oneOf(['16:9', '9:16', '1:1']),
    duration: { type: ['string', 'integer'], enum: ['5', '10', 5, 10] },
    camera_control: { type: 'object' },
    sound: oneOf(['on', 'off']),
    callback_url: CALLBACK_URL,
    external_task_id: str(),
  }),
  KlingTask: {
    type: 'object',
    properties: {
      task_id: str('the gateway task id'),
      task_status: oneOf(['submitted', 'processing', 'succeed', 'failed']),
      task_status_msg: str('why it failed (empty otherwise)'),
      task_info: obj({ external_task_id: str() }),
      task_result: obj({
        videos: arr(obj({ id: str(), url: str("the provider's URL"), duration: str('seconds') })),
      }),
      created_at: int64('unix milliseconds'),
      updated_at: int64('unix milliseconds'),
    },
    required: ['task_id', 'task_status', 'created_at', 'updated_at'],
  },
  KlingTaskEnvelope: {
    type: 'object',
    properties: {
      code: { type: 'integer', const: 0 },
      message: str(),
      request_id: str(),
      data: ref('KlingTask'),
    },
    required: ['code', 'message', 'request_id', 'data'],
  },
  KlingErrorResponse: {
    type: 'object',
    properties: {
      code: {
        ...int,
        description: "Kling's service code: 1000 auth, 1102 out of credit, 1201 bad parameter, …",
      },
      message: str(),
      request_id: str(),
    },
    required: ['code', 'message', 'request_id'],
  },
};

const SEEDANCE_TASK_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

/** Seedance on Volcengine Ark, `/api/v3/contents/generations/tasks` (providers.md §4). */
const SEEDANCE_SCHEMAS: Record<string, Schema> = {
  SeedanceContentItem: {
    oneOf: [
      obj(
        {
          type: { type: 'string', const: 'text' },
          text: str('the prompt; inline commands such as `--rs 720p --rt 16:9 --dur 5 --seed 7`'),
        },
        { required: ['type', 'text'] },
      ),
      obj(
        {
          type: { type: 'string', const: 'image_url' },
          image_url: obj({ url: str('an image URL or data URI') }, { required: ['url'] }),
          role: oneOf(['first_frame', 'last_frame']),
        },
        { required: ['type', 'image_url'] },
      ),
    ],
  },
  SeedanceCreateTaskRequest: obj(
    {
      model: str('a public model'),
      content: arr(ref('SeedanceContentItem'), { minItems: 1 }),
      callback_url: CALLBACK_URL,
      resolution: oneOf(['480p', '720p', '1080p']),
      ratio: oneOf(['16:9', '4:3', '1:1', '3:4', '9:16', '21:9', 'keep_ratio', 'adaptive']),
      duration: { type: 'integer', minimum: 1, maximum: 60 },
      seed: { type: 'integer', minimum: -1, maximum: 4294967295 },
      generate_audio: bool,
      return_last_frame: bool,
      service_tier: str(),
      execution_expires_after: int,
    },
    { required: ['model', 'content'] },
  ),
  SeedanceCreatedTask: {
    type: 'object',
    properties: { id: str('`cgt-` and the gateway task id') },
    required: ['id'],
  },
  SeedanceTask: {
    type: 'object',
    properties: {
      id: str('`cgt-` and the gateway task id'),
      model: str('the public model'),
      status: oneOf(SEEDANCE_TASK_STATUSES),
      error: { anyOf: [taskError(str()), { type: 'null' }] },
      content: obj({ video_url: str("the provider's URL"), last_frame_url: str() }),
      seed: { type: 'integer', format: 'int64' },
      resolution: str(),
      ratio: str(),
      duration: { ...int, description: 'seconds' },
      created_at: UNIX_SECONDS,
      updated_at: UNIX_SECONDS,
    },
    required: ['id', 'model', 'status', 'error', 'created_at', 'updated_at'],
  },
  SeedanceTaskList: {
    type: 'object',
    properties: { items: arr(ref('SeedanceTask')), total: int },
    required: ['items', 'total'],
  },
  SeedanceErrorResponse: {
    type: 'object',
    properties: {
      error: {
        type: 'object',
        properties: {
          code: str('e.g. InvalidParameter, QuotaExceeded, NotFound'),
          message: str(),
          param: str('the request field at fault'),
          type: str('e.g. BadRequest, NotFound'),
        },
        required: ['code', 'message', 'type'],
      },
    },
    required: ['error'],
  },
};

/** Veo on the Gemini API: `predictLongRunning` and its operations (providers.md §2). */
const VEO_SCHEMAS: Record<string, Schema> = {
  VeoImage: obj({
    bytesBase64Encoded: str('base64'),
    mimeType: str(),
    inlineData: obj({ data: str('base64'), mimeType: str() }),
  }),
  VeoPredictLongRunningRequest: obj(
    {
      instances: arr(obj({ prompt: str(), image: ref('VeoImage'), lastFrame: ref('VeoImage') }), {
        minItems: 1,
        maxItems: 1,
      }),
      parameters: obj({
        aspectRatio: oneOf(['16:9', '9:16']),
        durationSeconds: { type: 'integer', minimum: 1, maximum: 60 },
        resolution: str('e.g. 720p, 1080p'),
        negativePrompt: str(),
        sampleCount: { type: 'integer', const: 1, description: 'one video per task' },
        seed: { type: 'integer', minimum: 0 },
        generateAudio: bool,
        personGeneration: str(),
        enhancePrompt: bool,
      }),
    },
    { required: ['instances'] },
  ),
  VeoOperation: {
    type: 'object',
    properties: {
      name: str('models/{model}/operations/{id}'),
      done: { type: 'boolean', description: 'absent while the task runs' },
      metadata: { type: 'object' },
      response: obj({
        '@type': str(),
        generateVideoResponse: obj({
          generatedSamples: arr(
            obj({ video: obj({ uri: str("the gateway's own `files/{id}:download?alt=media` URL") }) }),
          ),
          raiMediaFilteredCount: int,
          raiMediaFilteredReasons: arr(str()),
        }),
      }),
      error: {
        type: 'object',
        properties: { code: int, message: str(), details: arr({ type: 'object' }) },
        required: ['code', 'message'],
        description: 'google.rpc.Status: 1 CANCELLED, 4 DEADLINE_EXCEEDED (task_timeout), 13 INTERNAL',
      },
    },
    required: ['name'],
  },
  VeoFetchOperationRequest: obj(
    { operationName: str('models/{model}/operations/{id}') },
    { required: ['operationName'] },
  ),
};

/** Every component schema of the video routes. */
export const VIDEO_SCHEMAS: Record<string, Schema> = {
  ...OPENAI_VIDEO_SCHEMAS,
  ...KLING_SCHEMAS,
  ...SEEDANCE_SCHEMAS,
  ...VEO_SCHEMAS,
};

/** A provider's own members on a unified request (an object, or its JSON text in a form). */
function providerMembers(provider: string): Schema {
  return {
    type: ['object', 'string'],
    description: `members sent to a ${provider} deployment as they are (in a form: their JSON text)`,
  };
}
