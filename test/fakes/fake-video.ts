import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { sendJson, sleep, startFakeServer, type CapturedRequest } from './fake-http';
import {
  FAKE_VIDEO_KEYS,
  type FakeVideo,
  type FakeVideoKeys,
  type FakeVideoOptions,
  type FakeVideoTask,
  type FakeVideoTaskState,
  type ResolvedVideoTaskScript,
  type VideoFault,
  type VideoFaultPlan,
  type VideoOp,
  type VideoOutcome,
  type VideoProvider,
  type VideoTaskScript,
} from './fake-video-api';
import {
  arkError,
  authError,
  faultReply,
  klingError,
  klingOk,
  openAiError,
  send,
  sendText,
  veoError,
  type Reply,
} from './fake-video-errors';
import { fakeImage, fakeMp4, serveBytes } from './fake-video-media';

export * from './fake-video-api';
export type { CapturedRequest } from './fake-http';

type Json = Record<string, unknown>;

const FINAL = new Set<FakeVideoTaskState>(['succeeded', 'failed', 'cancelled']);

const STATUS_WORDS: Record<VideoProvider, Record<FakeVideoTaskState, string>> = {
  kling: {
    queued: 'submitted',
    running: 'processing',
    succeeded: 'succeed',
    failed: 'failed',
    cancelled: 'failed',
  },
  seedance: {
    queued: 'queued',
    running: 'running',
    succeeded: 'succeeded',
    failed: 'failed',
    cancelled: 'cancelled',
  },
  veo: { queued: 'running', running: 'running', succeeded: 'done', failed: 'error', cancelled: 'error' },
  sora: {
    queued: 'queued',
    running: 'in_progress',
    succeeded: 'completed',
    failed: 'failed',
    cancelled: 'failed',
  },
};

const FAILED: Record<VideoProvider, { code?: string | number; message: string }> = {
  kling: { message: 'Task failed due to an internal error, please try again' },
  seedance: {
    code: 'InternalServiceError',
    message: 'The service encountered an unexpected internal error.',
  },
  veo: { code: 13, message: 'Video generation failed due to an internal error.' },
  sora: { code: 'video_generation_failed', message: 'Video generation failed.' },
};

const FILTERED: Record<VideoProvider, { code?: string; message: string }> = {
  kling: { message: 'Failure to pass the risk control system' },
  seedance: {
    code: 'OutputVideoSensitiveContentDetected',
    message: 'The request failed because the output video may contain sensitive information.',
  },
  veo: { message: 'The video could not be generated because it may violate the usage guidelines.' },
  sora: { code: 'moderation_blocked', message: 'Your request was blocked by our moderation system.' },
};

/** Vertex-only Veo parameters the Gemini API refuses (providers.md §2.1). */
const VEO_VERTEX_ONLY = [
  'storageUri',
  'seed',
  'generateAudio',
  'fps',
  'compressionQuality',
  'resizeMode',
  'pubsubTopic',
];
const SORA_SECONDS = ['4', '8', '12'];
const SORA_SIZES = ['720x1280', '1280x720', '1024x1792', '1792x1024'];
const VEO_RESPONSE_TYPE =
  'type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse';

const KLING_CREATE = /^\/v1\/videos\/(text2video|image2video)$/;
const KLING_TASK = /^\/v1\/videos\/(text2video|image2video)\/([^/]+)$/;
const ARK_TASKS = /^\/api\/v3\/contents\/generations\/tasks$/;
const ARK_TASK = /^\/api\/v3\/contents\/generations\/tasks\/([^/]+)$/;
const VEO_SUBMIT = /^\/v1beta\/models\/([^/:]+):predictLongRunning$/;
const VEO_OPERATION = /^\/v1beta\/models\/([^/:]+)\/operations\/([^/:]+)$/;
const VEO_FILE = /^\/v1beta\/files\/([^/:]+):download$/;
const SORA_VIDEOS = /^\/v1\/videos$/;
const SORA_VIDEO = /^\/v1\/videos\/([^/]+)$/;
const SORA_CONTENT = /^\/v1\/videos\/([^/]+)\/content$/;
const SORA_REMIX = /^\/v1\/videos\/([^/]+)\/remix$/;
const PUBLIC_FILE = /^\/files\/([^/.]+)\.mp4$/;

/**
 * A faithful fake of four async video APIs on one loopback server (providers.md §2–§5, §9), for e2e
 * tests and the bench:
 * - Kling (`POST /v1/videos/{text2video|image2video}`, `GET …/{task_id}`, `GET …?pageNum&pageSize`):
 *   the `Authorization: Bearer <JWT>` must be HS256 signed with the secret key, `iss` = access key,
 *   within `nbf`/`exp` (401 codes 1000–1004 otherwise); answers in `{code, message, request_id, data}`.
 * - Seedance on Ark (`/api/v3/contents/generations/tasks`: POST, GET one, GET list, DELETE), Bearer key;
 *   DELETE cancels a queued task, refuses a running one (409 TaskRunningCannotCancel), deletes a
 *   finished one. The inline prompt commands (`--rs --rt --dur --fps --seed --frames`) and top-level
 *   keys set the answer's resolution, ratio, duration (or frames), fps, seed and usage tokens.
 * - Veo on the Gemini API (`POST /v1beta/models/{m}:predictLongRunning`, `GET /v1beta/models/{m}/operations/{id}`,
 *   `GET /v1beta/files/{f}:download?alt=media`), key in `x-goog-api-key` or `?key=`.
 * - Sora (`/v1/videos`: create as JSON or multipart, retrieve, list, delete, remix, `…/content?variant=`), Bearer key.
 *
 * Kling and Seedance video URLs are public signed URLs on the fake (`/files/{f}.mp4?sig=…`). Every
 * download serves {@link FakeVideo.bytesOf} with content-length and Range support. Tasks move by
 * polls (see {@link VideoTaskScript}); script them with `setDefaults` and `next`, inject faults with
 * `inject`. Error bodies for unscripted refusals are the providers' shapes; their exact wording is
 * the fake's own where providers.md has none.
 */
export async function startFakeVideo(opts: FakeVideoOptions = {}): Promise<FakeVideo> {
  const keys: FakeVideoKeys = { ...FAKE_VIDEO_KEYS, ...opts.keys };
  const signingKey = randomBytes(16);
  let defaults = resolveScript(opts.defaults ?? {}, undefined);
  const scripted: Array<VideoTaskScript & { provider?: VideoProvider }> = [];
  const faults: Array<VideoFaultPlan & { left: number }> = [];
  const tasks: FakeVideoTask[] = [];
  const byId = new Map<string, FakeVideoTask>();
  const files = new Map<string, { task: FakeVideoTask; sample: number }>();
  const submits: Record<VideoProvider, number> = { kling: 0, seedance: 0, veo: 0, sora: 0 };
  const bytesCache = new Map<string, Buffer>();
  let root = '';

  /** The bytes of one output; the most recent 64 are kept (a bench makes thousands of tasks). */
  const bytesFor = (seed: string): Buffer => {
    const bytes = bytesCache.get(seed) ?? fakeMp4(seed);
    bytesCache.delete(seed);
    bytesCache.set(seed, bytes);
    if (bytesCache.size > 64) bytesCache.delete(bytesCache.keys().next().value as string);
    return bytes;
  };
  const signature = (fileId: string) =>
    createHmac('sha256', signingKey).update(fileId).digest('base64url').slice(0, 22);
  const signedUrl = (fileId: string) => `${root}/files/${fileId}.mp4?sig=${signature(fileId)}`;

  const takeScript = (provider: VideoProvider): ResolvedVideoTaskScript => {
    const i = scripted.findIndex((s) => s.provider === undefined || s.provider === provider);
    if (i < 0) return defaults;
    const [script] = scripted.splice(i, 1);
    return resolveScript(script, defaults);
  };

  const takeFault = (provider: VideoProvider, op: VideoOp): VideoFault | undefined => {
    const i = faults.findIndex(
      (f) => (f.provider === undefined || f.provider === provider) && (f.op === undefined || f.op === op),
    );
    if (i < 0) return undefined;
    const plan = faults[i];
    if (--plan.left <= 0) faults.splice(i, 1);
    return plan.fault;
  };

  const createTask = (
    provider: VideoProvider,
    id: string,
    fields: Pick<FakeVideoTask, 'model' | 'body' | 'prompt' | 'durationSeconds' | 'params'> &
      Partial<Pick<FakeVideoTask, 'route'>>,
  ): FakeVideoTask => {
    const now = Date.now();
    const task: FakeVideoTask = {
      id,
      provider,
      ...fields,
      script: takeScript(provider),
      polls: 0,
      state: 'queued',
      status: STATUS_WORDS[provider].queued,
      createdAtMs: now,
      updatedAtMs: now,
      files: [],
      downloads: 0,
    };
    tasks.push(task);
    byId.set(id, task);
    submits[provider] += 1;
    return task;
  };

  const setState = (task: FakeVideoTask, state: FakeVideoTaskState) => {
    if (task.state === state) return;
    task.state = state;
    task.status = STATUS_WORDS[task.provider][state];
    task.updatedAtMs = Date.now();
  };

  const finish = (task: FakeVideoTask) => {
    const outcome = task.script.outcome;
    if (outcome.kind === 'succeed') {
      if (outcome.durationSeconds !== undefined) task.durationSeconds = outcome.durationSeconds;
      const samples = Math.max(1, Number(task.params.sampleCount ?? 1));
      for (let i = 0; i < samples; i++) {
        const fileId = randomId(12);
        files.set(fileId, { task, sample: i });
        task.files.push(fileId);
      }
      if (task.provider === 'sora') task.params.progress = 100;
      return setState(task, 'succeeded');
    }
    if (outcome.kind === 'fail') {
      const fallback = FAILED[task.provider];
      const code = outcome.code ?? fallback.code;
      task.error = { ...(code !== undefined ? { code } : {}), message: outcome.message ?? fallback.message };
    } else {
      const fallback = FILTERED[task.provider];
      const reasons = outcome.reasons ?? [fallback.message];
      task.params.filteredReasons = reasons;
      task.error = { ...(fallback.code ? { code: fallback.code } : {}), message: reasons.join('; ') };
    }
    setState(task, 'failed');
    if (task.provider === 'veo' && outcome.kind === 'filtered') task.status = 'filtered';
  };

  /** One GET of the task: counts the poll and moves the task along its script. */
  const observe = (task: FakeVideoTask) => {
    task.polls += 1;
    if (FINAL.has(task.state)) return;
    const { queuedPolls, runningPolls } = task.script;
    if (task.polls <= queuedPolls) setState(task, 'queued');
    else if (task.polls <= queuedPolls + runningPolls) {
      setState(task, 'running');
      if (task.provider === 'sora')
        task.params.progress = Math.round((100 * (task.polls - queuedPolls)) / (runningPolls + 1));
    } else finish(task);
  };

  const serveFile = (req: CapturedRequest, res: ServerResponse, fileId: string): void => {
    const file = files.get(fileId);
    if (!file) return void sendText(res, 404, 'NoSuchKey');
    file.task.downloads += 1;
    serveBytes(req, res, bytesFor(`${file.task.id}#${file.sample}`), 'video/mp4');
  };

  // ---- Kling ---------------------------------------------------------------------------------
  const klingView = (task: FakeVideoTask): Json => ({
    task_id: task.id,
    task_status: task.status,
    task_status_msg: task.error?.message ?? '',
    task_info:
      typeof (task.body as Json).external_task_id === 'string'
        ? { external_task_id: (task.body as Json).external_task_id }
        : {},
    ...(task.state === 'succeeded'
      ? {
          task_result: {
            videos: task.files.map((f) => ({
              id: f,
              url: signedUrl(f),
              duration: String(task.durationSeconds),
            })),
          },
        }
      : {}),
    created_at: task.createdAtMs,
    updated_at: task.updatedAtMs,
  });

  const kling = (req: CapturedRequest): Reply => {
    const create = KLING_CREATE.exec(req.path);
    if (create && req.method === 'POST') {
      const route = create[1] as 'text2video' | 'image2video';
      const body = (req.body ?? {}) as Json;
      if (typeof req.body !== 'object' || req.body === null)
        return klingError(400, 1200, 'request body is not valid JSON');
      if (route === 'text2video' && (typeof body.prompt !== 'string' || body.prompt.trim() === ''))
        return klingError(400, 1201, 'prompt is required');
      if (route === 'image2video' && body.image === undefined && body.image_tail === undefined)
        return klingError(400, 1201, 'image or image_tail is required');
      if (body.duration !== undefined && !['5', '10'].includes(String(body.duration)))
        return klingError(400, 1201, `duration value '${String(body.duration)}' is invalid`);
      const task = createTask('kling', randomBytes(16).toString('base64url'), {
        model: typeof body.model_name === 'string' ? body.model_name : 'kling-v1',
        route,
        body,
        ...(typeof body.prompt === 'string' ? { prompt: body.prompt } : {}),
        durationSeconds: Number(body.duration ?? 5),
        params: {},
      });
      return klingOk(klingView(task));
    }
    if (create && req.method === 'GET') {
      const pageNum = Math.max(1, Number(req.query.get('pageNum') ?? 1));
      const pageSize = Math.min(500, Math.max(1, Number(req.query.get('pageSize') ?? 30)));
      const mine = tasks.filter((t) => t.provider === 'kling' && t.route === create[1]).reverse();
      return klingOk(mine.slice((pageNum - 1) * pageSize, pageNum * pageSize).map(klingView));
    }
    const one = KLING_TASK.exec(req.path);
    if (one && req.method === 'GET') {
      const task = byId.get(decodeURIComponent(one[2]));
      if (!task || task.provider !== 'kling' || task.route !== one[1])
        return klingError(404, 1203, 'task not found');
      observe(task);
      return klingOk(klingView(task));
    }
    return klingError(404, 1202, `${req.method} ${req.path} is not a valid method`);
  };

  // ---- Seedance (Ark) ------------------------------------------------------------------------
  const arkView = (task: FakeVideoTask): Json => {
    const p = task.params;
    const succeeded = task.state === 'succeeded';
    const view: Json = {
      id: task.id,
      model: task.model,
      status: task.status,
      error: task.error ? { code: task.error.code, message: task.error.message } : null,
    };
    if (succeeded) view.content = { video_url: signedUrl(task.files[0]) };
    view.seed = p.seed;
    view.resolution = p.resolution;
    view.ratio = p.ratio;
    // Asked in frames, Ark answers frames (unless the script set the seconds).
    const scriptedSeconds = task.script.outcome.kind === 'succeed' && task.script.outcome.durationSeconds;
    if (p.frames !== undefined && scriptedSeconds === undefined) view.frames = p.frames;
    else view.duration = task.durationSeconds;
    view.framespersecond = p.fps;
    if (succeeded) {
      const tokens = arkTokens(String(p.resolution), String(p.ratio), Number(p.fps), task);
      view.usage = { completion_tokens: tokens, total_tokens: tokens };
    }
    view.created_at = Math.floor(task.createdAtMs / 1000);
    view.updated_at = Math.floor(task.updatedAtMs / 1000);
    return view;
  };

  const seedance = (req: CapturedRequest): Reply => {
    if (ARK_TASKS.test(req.path) && req.method === 'POST') {
      if (typeof req.body !== 'object' || req.body === null)
        return arkError(400, 'InvalidParameter', 'The request body is not valid JSON.', 'BadRequest');
      const body = req.body as Json;
      if (typeof body.model !== 'string' || body.model === '')
        return arkError(
          400,
          'MissingParameter',
          'The request failed because it is missing one or multiple required parameters.',
          'BadRequest',
          'model',
        );
      const content = body.content;
      if (!Array.isArray(content) || content.length === 0)
        return arkError(
          400,
          'MissingParameter',
          'The request failed because it is missing one or multiple required parameters.',
          'BadRequest',
          'content',
        );
      const items = content as Json[];
      for (const [i, item] of items.entries()) {
        if (item.type === 'image_url' && typeof (item.image_url as Json | undefined)?.url !== 'string')
          return arkError(
            400,
            'InvalidParameter',
            `The parameter \`content[${i}].image_url.url\` specified in the request is not valid.`,
            'BadRequest',
            `content[${i}].image_url.url`,
          );
      }
      const roles = items.filter((c) => c.type === 'image_url').map((c) => c.role);
      if (roles.includes('last_frame') && !roles.includes('first_frame'))
        return arkError(
          400,
          'InvalidParameter',
          'A last_frame image needs a first_frame image.',
          'BadRequest',
          'content',
        );
      const text = items
        .filter((c) => c.type === 'text')
        .map((c) => String(c.text ?? ''))
        .join(' ');
      if (!text.trim() && roles.length === 0)
        return arkError(
          400,
          'InvalidParameter',
          'The request needs a text prompt or an image.',
          'BadRequest',
          'content',
        );
      const { prompt, commands } = arkCommands(text);
      const pick = (...names: string[]) => {
        for (const n of names) if (body[n] !== undefined) return String(body[n]);
        for (const n of names) if (commands[n] !== undefined) return commands[n];
        return undefined;
      };
      const frames = pick('frames');
      const params: Json = {
        resolution: pick('resolution', 'rs') ?? (body.model.includes('pro') ? '1080p' : '720p'),
        ratio: pick('ratio', 'rt') ?? (roles.length > 0 ? 'adaptive' : '16:9'),
        fps: Number(pick('framespersecond', 'fps') ?? 24),
        seed: Number(pick('seed') ?? createHash('sha256').update(text).digest().readUInt32BE(0) % 100_000),
        ...(frames !== undefined ? { frames: Number(frames) } : {}),
      };
      if (params.ratio === 'adaptive' || params.ratio === 'keep_ratio') params.ratio = '16:9';
      const seconds =
        frames !== undefined ? Number(frames) / Number(params.fps) : Number(pick('duration', 'dur') ?? 5);
      const task = createTask('seedance', arkId(), {
        model: body.model,
        body,
        ...(prompt ? { prompt } : {}),
        durationSeconds: seconds,
        params,
      });
      return { status: 200, body: { id: task.id } };
    }
    if (ARK_TASKS.test(req.path) && req.method === 'GET') {
      const q = req.query;
      const ids = q.getAll('filter.task_ids');
      const status = q.get('filter.status');
      const model = q.get('filter.model');
      const pageNum = Math.max(1, Number(q.get('page_num') ?? 1));
      const pageSize = Math.min(500, Math.max(1, Number(q.get('page_size') ?? 20)));
      const items = tasks
        .filter((t) => t.provider === 'seedance' && !t.params.deleted)
        .filter((t) => (ids.length === 0 || ids.includes(t.id)) && (!status || t.status === status))
        .filter((t) => !model || t.model === model)
        .reverse();
      return {
        status: 200,
        body: {
          items: items.slice((pageNum - 1) * pageSize, pageNum * pageSize).map(arkView),
          total: items.length,
        },
      };
    }
    const one = ARK_TASK.exec(req.path);
    const task = one ? byId.get(decodeURIComponent(one[1])) : undefined;
    if (one && (req.method === 'GET' || req.method === 'DELETE')) {
      if (!task || task.provider !== 'seedance' || task.params.deleted)
        return arkError(
          404,
          'ResourceNotFound',
          `The specified task ${decodeURIComponent(one[1])} is not found.`,
          'NotFound',
        );
      if (req.method === 'GET') {
        observe(task);
        return { status: 200, body: arkView(task) };
      }
      if (task.state === 'running')
        return arkError(
          409,
          'TaskRunningCannotCancel',
          'The task is running and cannot be cancelled.',
          'Conflict',
        );
      if (task.state === 'queued') setState(task, 'cancelled');
      else task.params.deleted = true;
      return { status: 200, body: {} };
    }
    return arkError(404, 'NotFound', `${req.method} ${req.path} is not found.`, 'NotFound');
  };

  // ---- Veo (Gemini API) ----------------------------------------------------------------------
  const veoView = (task: FakeVideoTask): Json => {
    if (!FINAL.has(task.state)) return { name: task.id };
    if (task.state === 'succeeded')
      return {
        name: task.id,
        done: true,
        response: {
          '@type': VEO_RESPONSE_TYPE,
          generateVideoResponse: {
            generatedSamples: task.files.map((f) => ({
              video: { uri: `${root}/v1beta/files/${f}:download?alt=media` },
            })),
          },
        },
      };
    if (task.status === 'filtered') {
      const reasons = task.params.filteredReasons as string[];
      return {
        name: task.id,
        done: true,
        response: {
          '@type': VEO_RESPONSE_TYPE,
          generateVideoResponse: { raiMediaFilteredCount: reasons.length, raiMediaFilteredReasons: reasons },
        },
      };
    }
    return { name: task.id, done: true, error: { code: task.error?.code, message: task.error?.message } };
  };

  const veo = (req: CapturedRequest, res: ServerResponse): Reply | undefined => {
    const submit = VEO_SUBMIT.exec(req.path);
    if (submit && req.method === 'POST') {
      if (typeof req.body !== 'object' || req.body === null)
        return veoError(400, 'Invalid JSON payload received.');
      const body = req.body as Json;
      const instance = (Array.isArray(body.instances) ? body.instances[0] : undefined) as Json | undefined;
      if (!instance)
        return veoError(400, '* PredictLongRunningRequest.instances: instances is not specified');
      if (typeof instance.prompt !== 'string' && instance.image === undefined)
        return veoError(400, 'A prompt or an image is required.');
      for (const field of ['image', 'lastFrame'] as const) {
        const image = instance[field] as Json | undefined;
        if (image && typeof image.bytesBase64Encoded !== 'string')
          return veoError(
            400,
            `\`${field}\`: only inline bytes (bytesBase64Encoded) are supported by the Gemini API.`,
          );
      }
      const parameters = (body.parameters ?? {}) as Json;
      const vertexOnly = VEO_VERTEX_ONLY.find((k) => parameters[k] !== undefined);
      if (vertexOnly) return veoError(400, `\`${vertexOnly}\` isn't supported by the Gemini API.`);
      const model = decodeURIComponent(submit[1]);
      const task = createTask('veo', `models/${model}/operations/${randomId(12)}`, {
        model,
        body,
        ...(typeof instance.prompt === 'string' ? { prompt: instance.prompt } : {}),
        durationSeconds: Number(parameters.durationSeconds ?? 8),
        params: { sampleCount: Number(parameters.sampleCount ?? 1) },
      });
      return { status: 200, body: { name: task.id } };
    }
    const op = VEO_OPERATION.exec(req.path);
    if (op && req.method === 'GET') {
      const name = `models/${decodeURIComponent(op[1])}/operations/${decodeURIComponent(op[2])}`;
      const task = byId.get(name);
      if (!task || task.provider !== 'veo') return veoError(404, `Operation ${name} not found.`);
      observe(task);
      return { status: 200, body: veoView(task) };
    }
    const file = VEO_FILE.exec(req.path);
    if (file && (req.method === 'GET' || req.method === 'HEAD')) {
      const fileId = decodeURIComponent(file[1]);
      const found = files.get(fileId);
      if (!found || found.task.provider !== 'veo') return veoError(404, `File ${fileId} not found.`);
      if (opts.veoDownloadRedirect) {
        res.writeHead(302, { location: signedUrl(fileId) });
        return void res.end();
      }
      return void serveFile(req, res, fileId);
    }
    return veoError(404, `Method not found: ${req.method} ${req.path}`);
  };

  // ---- Sora ----------------------------------------------------------------------------------
  const soraView = (task: FakeVideoTask): Json => {
    const completedAt = FINAL.has(task.state) ? Math.floor(task.updatedAtMs / 1000) : null;
    return {
      id: task.id,
      object: 'video',
      model: task.model,
      status: task.status,
      progress: task.params.progress ?? 0,
      created_at: Math.floor(task.createdAtMs / 1000),
      completed_at: completedAt,
      expires_at: task.state === 'succeeded' && completedAt !== null ? completedAt + 86_400 : null,
      prompt: task.prompt ?? null,
      seconds: task.params.seconds,
      size: task.params.size,
      remixed_from_video_id: task.params.remixedFrom ?? null,
      error: task.error ? { code: String(task.error.code), message: task.error.message } : null,
    };
  };

  const sora = async (req: CapturedRequest, res: ServerResponse): Promise<Reply | undefined> => {
    if (SORA_VIDEOS.test(req.path) && req.method === 'POST') {
      const form = await formOf(req);
      if (!form)
        return openAiError(
          400,
          'We could not parse the JSON body of your request.',
          'invalid_request_error',
          null,
        );
      if (typeof form.prompt !== 'string' || form.prompt === '')
        return openAiError(
          400,
          "Missing required parameter: 'prompt'.",
          'invalid_request_error',
          'missing_required_parameter',
          'prompt',
        );
      const seconds = form.seconds ?? '4';
      if (typeof seconds !== 'string' || !SORA_SECONDS.includes(seconds))
        return openAiError(
          400,
          `Invalid value: '${String(seconds)}'. Supported values are: '4', '8', and '12'.`,
          'invalid_request_error',
          'invalid_value',
          'seconds',
        );
      const size = form.size ?? '720x1280';
      if (typeof size !== 'string' || !SORA_SIZES.includes(size))
        return openAiError(
          400,
          `Invalid value: '${String(size)}'. Supported values are: ${SORA_SIZES.map((s) => `'${s}'`).join(', ')}.`,
          'invalid_request_error',
          'invalid_value',
          'size',
        );
      const task = createTask('sora', `video_${randomBytes(16).toString('hex')}`, {
        model: typeof form.model === 'string' ? form.model : 'sora-2',
        body: form,
        prompt: form.prompt,
        durationSeconds: Number(seconds),
        params: { seconds, size, progress: 0 },
      });
      return { status: 200, body: soraView(task) };
    }
    if (SORA_VIDEOS.test(req.path) && req.method === 'GET') {
      const order = req.query.get('order') === 'asc' ? 'asc' : 'desc';
      const limit = Math.min(100, Math.max(1, Number(req.query.get('limit') ?? 20)));
      let all = tasks.filter((t) => t.provider === 'sora' && !t.params.deleted);
      if (order === 'desc') all = all.reverse();
      const after = req.query.get('after');
      const start = after ? all.findIndex((t) => t.id === after) + 1 : 0;
      const page = all.slice(start, start + limit);
      return {
        status: 200,
        body: {
          object: 'list',
          data: page.map(soraView),
          first_id: page[0]?.id ?? null,
          last_id: page.at(-1)?.id ?? null,
          has_more: start + limit < all.length,
        },
      };
    }
    const remix = SORA_REMIX.exec(req.path);
    const content = SORA_CONTENT.exec(req.path);
    const one = SORA_VIDEO.exec(req.path);
    const id = decodeURIComponent((remix ?? content ?? one)?.[1] ?? '');
    const task = byId.get(id);
    const missing =
      !task || task.provider !== 'sora' || task.params.deleted
        ? openAiError(404, `Video with id '${id}' not found.`, 'invalid_request_error', null)
        : undefined;
    if (remix && req.method === 'POST') {
      if (missing || !task) return missing;
      const form = await formOf(req);
      if (!form || typeof form.prompt !== 'string' || form.prompt === '')
        return openAiError(
          400,
          "Missing required parameter: 'prompt'.",
          'invalid_request_error',
          'missing_required_parameter',
          'prompt',
        );
      if (task.state !== 'succeeded')
        return openAiError(
          400,
          `Video ${id} is not completed; only completed videos can be remixed.`,
          'invalid_request_error',
          null,
        );
      const next = createTask('sora', `video_${randomBytes(16).toString('hex')}`, {
        model: task.model,
        body: form,
        prompt: form.prompt,
        durationSeconds: Number(task.params.seconds),
        params: { seconds: task.params.seconds, size: task.params.size, progress: 0, remixedFrom: id },
      });
      return { status: 200, body: soraView(next) };
    }
    if (content && (req.method === 'GET' || req.method === 'HEAD')) {
      if (missing || !task) return missing;
      const variant = req.query.get('variant') ?? 'video';
      if (!['video', 'thumbnail', 'spritesheet'].includes(variant))
        return openAiError(
          400,
          `Invalid value: '${variant}'. Supported values are: 'video', 'thumbnail', and 'spritesheet'.`,
          'invalid_request_error',
          'invalid_value',
          'variant',
        );
      if (task.state !== 'succeeded')
        return openAiError(
          404,
          `Video is not ready yet, use GET /v1/videos/${id} to check status.`,
          'invalid_request_error',
          null,
        );
      task.downloads += 1;
      if (variant === 'video') return void serveBytes(req, res, bytesFor(`${task.id}#0`), 'video/mp4');
      const type = variant === 'thumbnail' ? 'image/webp' : 'image/jpeg';
      return void serveBytes(req, res, fakeImage(`${task.id}#${variant}`, type), type);
    }
    if (one && req.method === 'GET') {
      if (missing || !task) return missing;
      observe(task);
      return { status: 200, body: soraView(task) };
    }
    if (one && req.method === 'DELETE') {
      if (missing || !task) return missing;
      if (!FINAL.has(task.state))
        return openAiError(
          400,
          `Video ${id} is still ${task.status}; only completed or failed videos can be deleted.`,
          'invalid_request_error',
          null,
        );
      task.params.deleted = true;
      return { status: 200, body: { id, object: 'video.deleted', deleted: true } };
    }
    return openAiError(404, `Invalid URL (${req.method} ${req.path})`, 'invalid_request_error', null);
  };

  // ---- dispatch ------------------------------------------------------------------------------
  const fake = await startFakeServer(async (req, res) => {
    const target = classify(req);
    if (!target)
      return sendJson(res, 404, { error: { message: `no fake route for ${req.method} ${req.path}` } });
    const { op } = target;
    // A public file's faults are its task's provider's.
    const provider = target.publicFile
      ? (files.get(decodeURIComponent(target.publicFile))?.task.provider ?? 'kling')
      : target.provider;
    if (target.publicFile) {
      const fileId = decodeURIComponent(target.publicFile);
      const sig = req.query.get('sig') ?? '';
      const expected = signature(fileId);
      if (sig.length !== expected.length || !timingSafeEqual(Buffer.from(sig), Buffer.from(expected)))
        return sendText(res, 403, 'AccessDenied: the signature does not match');
    } else {
      const denied = authError(provider, req, keys);
      if (denied) return send(res, denied);
    }
    const fault = takeFault(provider, op);
    if (fault?.kind === 'hang') return new Promise<void>(() => undefined);
    if (fault?.kind === 'reset') return void res.socket?.destroy();
    if (fault?.kind === 'delay') await sleep(fault.ms);
    else if (fault) return send(res, faultReply(provider, fault, op === 'download' && !!target.publicFile));
    if (target.publicFile) return serveFile(req, res, decodeURIComponent(target.publicFile));
    const reply =
      provider === 'kling'
        ? kling(req)
        : provider === 'seedance'
          ? seedance(req)
          : provider === 'veo'
            ? veo(req, res)
            : await sora(req, res);
    if (reply) send(res, reply);
  });
  root = fake.baseUrl;

  return {
    ...fake,
    url: fake.baseUrl,
    baseUrls: {
      kling: fake.baseUrl,
      seedance: `${fake.baseUrl}/api/v3`,
      veo: fake.baseUrl,
      sora: `${fake.baseUrl}/v1`,
    },
    keys,
    deploymentKeys: {
      kling: `${keys.kling.accessKey}:${keys.kling.secretKey}`,
      seedance: keys.seedance,
      veo: keys.veo,
      sora: keys.sora,
    },
    tasks,
    submits,
    task: (id) => byId.get(id),
    setDefaults: (script) => void (defaults = resolveScript(script, undefined)),
    next: (script) => void scripted.push(script),
    inject: (plan) => void faults.push({ ...plan, left: plan.times ?? 1 }),
    clearScripts: () => {
      scripted.length = 0;
      faults.length = 0;
    },
    bytesOf: (taskId, sample = 0) => {
      if (!byId.has(taskId)) throw new Error(`the fake has no task ${taskId}`);
      return bytesFor(`${taskId}#${sample}`);
    },
  };
}

/** Which provider and operation a request is (undefined: no such route). */
function classify(
  req: CapturedRequest,
): { provider: VideoProvider; op: VideoOp; publicFile?: string } | undefined {
  const p = req.path;
  const m = req.method;
  const file = PUBLIC_FILE.exec(p);
  if (file) return { provider: 'kling', op: 'download', publicFile: file[1] };
  if (KLING_CREATE.test(p)) return { provider: 'kling', op: m === 'POST' ? 'submit' : 'list' };
  if (KLING_TASK.test(p)) return { provider: 'kling', op: 'poll' };
  if (ARK_TASKS.test(p)) return { provider: 'seedance', op: m === 'POST' ? 'submit' : 'list' };
  if (ARK_TASK.test(p)) return { provider: 'seedance', op: m === 'DELETE' ? 'cancel' : 'poll' };
  if (VEO_SUBMIT.test(p)) return { provider: 'veo', op: 'submit' };
  if (VEO_OPERATION.test(p)) return { provider: 'veo', op: 'poll' };
  if (VEO_FILE.test(p)) return { provider: 'veo', op: 'download' };
  if (SORA_VIDEOS.test(p)) return { provider: 'sora', op: m === 'POST' ? 'submit' : 'list' };
  if (SORA_REMIX.test(p)) return { provider: 'sora', op: 'remix' };
  if (SORA_CONTENT.test(p)) return { provider: 'sora', op: 'download' };
  if (SORA_VIDEO.test(p)) return { provider: 'sora', op: m === 'DELETE' ? 'delete' : 'poll' };
  return undefined;
}

function resolveScript(
  script: VideoTaskScript,
  base: ResolvedVideoTaskScript | undefined,
): ResolvedVideoTaskScript {
  const outcome = script.outcome ?? base?.outcome ?? { kind: 'succeed' };
  return {
    queuedPolls: script.queuedPolls ?? base?.queuedPolls ?? 1,
    runningPolls: script.runningPolls ?? base?.runningPolls ?? 1,
    outcome: typeof outcome === 'string' ? ({ kind: outcome } as VideoOutcome) : outcome,
  };
}

/** The prompt without Ark's inline commands, and the commands by name (`--rs 720p` → `{rs: '720p'}`). */
function arkCommands(text: string): { prompt: string; commands: Record<string, string> } {
  const commands: Record<string, string> = {};
  const prompt = text
    .replace(/--(\w+)\s+(\S+)/g, (_, name: string, value: string) => {
      commands[name] = value;
      return '';
    })
    .replace(/\s+/g, ' ')
    .trim();
  return { prompt, commands };
}

/** Ark bills a video by tokens ≈ width × height × fps × seconds / 1024. */
function arkTokens(resolution: string, ratio: string, fps: number, task: FakeVideoTask): number {
  const short = Number.parseInt(resolution, 10) || 720;
  const [a, b] = ratio.split(':').map(Number);
  const wide = a && b ? Math.max(a, b) / Math.min(a, b) : 16 / 9;
  const long = Math.round(short * wide);
  return Math.round((short * long * fps * task.durationSeconds) / 1024);
}

function arkId(): string {
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  return `cgt-${stamp}-${randomId(5)}`;
}

function randomId(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(length)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** The create/remix body: JSON, or multipart form fields (files as `{filename, type, size}`). */
async function formOf(req: CapturedRequest): Promise<Json | undefined> {
  const type = String(req.headers['content-type'] ?? '');
  if (!type.startsWith('multipart/form-data'))
    return typeof req.body === 'object' && req.body !== null ? (req.body as Json) : undefined;
  try {
    const form = await new Request('http://fake/', {
      method: 'POST',
      headers: { 'content-type': type },
      body: new Uint8Array(req.raw),
    }).formData();
    const fields: Json = {};
    form.forEach((value, key) => {
      fields[key] =
        typeof value === 'string' ? value : { filename: value.name, type: value.type, size: value.size };
    });
    return fields;
  } catch {
    return undefined;
  }
}
