import { joinUrl, type HttpRequestSpec, type ProviderContext } from '../core/adapter';
import { ProviderError, type ProviderErrorKind } from '../core/provider-error';
import { secondsText, unknownStatusSnapshot } from '../core/video-snapshot';
import type { VideoCodec, VideoImage, VideoTaskSnapshot, VideoTaskState } from '../core/video';
import { klingJwt } from './kling.jwt';

/** Kling's current international host (providers.md §3). */
export const KLING_DEFAULT_BASE_URL = 'https://api-singapore.klingai.com';

type Obj = Record<string, unknown>;

/** Kling's quality modes by the resolution they make (`std` 720p, `pro` 1080p). */
const KLING_MODES: Record<string, string> = { '720p': 'std', '1080p': 'pro' };

const STATES: Record<string, VideoTaskState> = {
  submitted: 'queued',
  processing: 'running',
  succeed: 'succeeded',
  failed: 'failed',
};

/**
 * Kling text-to-video and image-to-video (providers.md §3): `POST /v1/videos/{text2video|image2video}`,
 * polled at `GET /v1/videos/{route}/{task_id}`, answers in the `{code, message, request_id, data}`
 * envelope (any `code` other than 0 is an error), authenticated by a JWT made from the deployment's
 * `access_key:secret_key`.
 */
export const klingVideoCodec: VideoCodec = {
  options: {
    seconds: [5, 10],
    aspectRatios: ['16:9', '9:16', '1:1'],
    resolutions: ['std', 'pro', '720p', '1080p'],
  },

  buildSubmit(req, ctx) {
    const route = req.image || req.lastFrame ? 'image2video' : 'text2video';
    const body: Obj = { model_name: ctx.deployment.upstreamModel };
    if (req.prompt !== undefined) body.prompt = req.prompt;
    if (req.negativePrompt !== undefined) body.negative_prompt = req.negativePrompt;
    if (req.image) body.image = klingImage(req.image);
    if (req.lastFrame) body.image_tail = klingImage(req.lastFrame);
    if (req.durationSeconds !== undefined) body.duration = String(req.durationSeconds);
    if (req.aspectRatio !== undefined && route === 'text2video') body.aspect_ratio = req.aspectRatio;
    if (req.resolution !== undefined) body.mode = KLING_MODES[req.resolution] ?? req.resolution;
    if (req.audio !== undefined) body.sound = req.audio ? 'on' : 'off';
    Object.assign(body, req.extensions?.kling);
    if (route === 'text2video' && typeof body.prompt !== 'string')
      throw new ProviderError({
        kind: 'invalid_request',
        param: 'prompt',
        message: 'text-to-video needs a prompt',
      });
    return request(ctx, 'POST', `/v1/videos/${route}`, body);
  },

  parseSubmit(body, req) {
    const data = envelopeData(body);
    const id = (data as Obj | undefined)?.task_id;
    if (typeof id !== 'string' || id.length === 0)
      throw new ProviderError({
        kind: 'upstream',
        message: 'Kling accepted a task without a task_id',
        raw: body,
      });
    return { upstreamTaskId: id, route: req.image || req.lastFrame ? 'image2video' : 'text2video' };
  },

  buildPoll(task, ctx) {
    const route = task.route ?? 'text2video';
    return request(ctx, 'GET', `/v1/videos/${route}/${encodeURIComponent(task.upstreamTaskId)}`);
  },

  parsePoll(body): VideoTaskSnapshot {
    const data = (envelopeData(body) ?? {}) as Obj;
    const status = String(data.task_status ?? '');
    const state = STATES[status];
    if (!state) return unknownStatusSnapshot('Kling', status);
    const videos = ((data.task_result as Obj | undefined)?.videos ?? []) as Array<Obj>;
    const outputs = videos
      .filter((v) => typeof v.url === 'string')
      .map((v) => ({
        url: v.url as string,
        ...(v.duration !== undefined ? { durationSeconds: String(v.duration) } : {}),
      }));
    const snapshot: VideoTaskSnapshot = { state, upstreamStatus: status, outputs };
    if (state === 'succeeded')
      snapshot.billableSeconds = sumSeconds(outputs.map((o) => o.durationSeconds ?? '0'));
    if (state === 'failed')
      snapshot.error = {
        message:
          typeof data.task_status_msg === 'string' && data.task_status_msg
            ? data.task_status_msg
            : 'Kling task failed',
      };
    return snapshot;
  },

  parseError: parseKlingError,
};

/** Kling takes an image as a URL or as raw base64 (no `data:` prefix). */
function klingImage(image: VideoImage): string {
  return 'url' in image ? image.url : image.data;
}

function request(ctx: ProviderContext, method: 'GET' | 'POST', path: string, body?: Obj): HttpRequestSpec {
  const apiKey = ctx.deployment.apiKey;
  if (!apiKey)
    throw new ProviderError({
      kind: 'auth',
      message: 'the Kling deployment has no api_key (access_key:secret_key)',
    });
  let token: string;
  try {
    token = klingJwt(apiKey, ctx.nowMs ?? Date.now());
  } catch (err) {
    throw new ProviderError({ kind: 'auth', message: (err as Error).message });
  }
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body) headers['content-type'] = 'application/json';
  return {
    method,
    url: joinUrl(ctx.deployment.baseUrl ?? KLING_DEFAULT_BASE_URL, path),
    headers,
    ...(body ? { body: JSON.stringify(body) } : {}),
  };
}

/** `data` of a successful envelope; a 200 whose `code` is not 0 is the error it names. */
function envelopeData(body: unknown): unknown {
  const env = body as { code?: unknown; data?: unknown } | null;
  if (env && typeof env === 'object' && env.code !== undefined && env.code !== 0)
    throw parseKlingError(200, body);
  return env?.data;
}

/** Whole and decimal seconds summed exactly (Kling reports `"5"`, `"10"`, `"5.1"`). */
function sumSeconds(values: string[]): string {
  let millis = 0;
  for (const v of values) {
    const m = /^(\d+)(?:\.(\d{1,3}))?$/.exec(v.trim());
    if (m) millis += Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0'));
  }
  return secondsText(millis);
}

/** Kling's error codes (providers.md §3.4) → error kinds; the HTTP status where the code is unknown. */
export function parseKlingError(status: number, body: unknown): ProviderError {
  const env = (body ?? {}) as { code?: unknown; message?: unknown };
  const code = typeof env.code === 'number' ? env.code : undefined;
  const message =
    typeof env.message === 'string' && env.message ? env.message : `Kling answered HTTP ${status}`;
  return new ProviderError({
    kind: kindOf(status, code),
    message,
    upstreamStatus: status,
    ...(code !== undefined ? { upstreamCode: String(code) } : {}),
    raw: body,
  });
}

function kindOf(status: number, code: number | undefined): ProviderErrorKind {
  if (code !== undefined) {
    if (code >= 1000 && code <= 1004) return 'auth';
    if (code === 1100) return 'auth'; // account exception
    // Arrears, resource pack exhausted: out of credit, not broken; others may serve.
    if (code === 1101 || code === 1102) return 'insufficient_credit';
    if (code === 1103) return 'auth';
    if (code === 1200 || code === 1201) return 'invalid_request';
    if (code === 1202 || code === 1203) return 'not_found';
    if (code === 1300 || code === 1301) return 'content_filter';
    if (code === 1302 || code === 1303) return 'rate_limit';
    if (code === 1304) return 'auth'; // IP whitelist
    if (code === 5001) return 'overloaded';
    if (code === 5002) return 'timeout';
    if (code >= 5000) return 'upstream';
  }
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 429) return 'rate_limit';
  if (status === 503) return 'overloaded';
  if (status === 504) return 'timeout';
  if (status >= 500) return 'upstream';
  return 'invalid_request';
}
