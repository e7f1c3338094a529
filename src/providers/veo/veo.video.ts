import type { HttpRequestSpec } from '../core/adapter';
import { ProviderError } from '../core/provider-error';
import type { VideoCodec, VideoImage, VideoTaskSnapshot } from '../core/video';
import { parseGeminiError } from '../gemini/gemini.errors';
import { geminiHeaders, geminiPost, GEMINI_DEFAULT_BASE_URL } from '../gemini/gemini.http';

type Obj = Record<string, unknown>;

/**
 * Veo on the Gemini API (providers.md §2): `POST /v1beta/models/{model}:predictLongRunning` answers an
 * operation, polled at `GET /v1beta/{operation name}` until `done`; the videos are files downloaded
 * with the deployment's key. Images go inline (the Gemini API takes no URLs for them). Parameters the
 * Gemini API refuses (Vertex only) are refused here, naming them. An operation's answer carries no
 * duration: the seconds billed are the request's (`durationSeconds` × samples), kept by the caller.
 */
export const veoVideoCodec: VideoCodec = {
  // Veo 3.x takes 4, 6 or 8 seconds; Veo 2 takes 5 to 8.
  options: { seconds: [4, 5, 6, 7, 8], aspectRatios: ['16:9', '9:16'], resolutions: ['720p', '1080p'] },

  buildSubmit(req, ctx) {
    if (req.seed !== undefined) throw refused('seed', 'Veo on the Gemini API takes no seed (Vertex AI only)');
    if (req.audio === false)
      throw refused('audio', 'Veo on the Gemini API cannot leave the sound out (Vertex AI only)');
    const instance: Obj = {};
    if (req.prompt !== undefined) instance.prompt = req.prompt;
    if (req.image) instance.image = veoImage(req.image, 'image');
    if (req.lastFrame) instance.lastFrame = veoImage(req.lastFrame, 'lastFrame');
    if (instance.prompt === undefined && instance.image === undefined)
      throw refused('prompt', 'a video needs a prompt or an image');
    const parameters: Obj = {};
    if (req.aspectRatio !== undefined) parameters.aspectRatio = req.aspectRatio;
    if (req.durationSeconds !== undefined) parameters.durationSeconds = req.durationSeconds;
    if (req.resolution !== undefined) parameters.resolution = req.resolution;
    if (req.negativePrompt !== undefined) parameters.negativePrompt = req.negativePrompt;
    Object.assign(parameters, req.extensions?.veo);
    return geminiPost(ctx, 'predictLongRunning', { instances: [instance], parameters });
  },

  parseSubmit(body) {
    const name = (body as Obj | null)?.name;
    if (typeof name !== 'string' || !/(^|\/)operations\/[^/]+$/.test(name))
      throw new ProviderError({
        kind: 'upstream',
        message: 'Veo answered without an operation name',
        raw: body,
      });
    return { upstreamTaskId: name };
  },

  buildPoll(task, ctx): HttpRequestSpec {
    const path = task.upstreamTaskId.split('/').map(encodeURIComponent).join('/');
    return {
      method: 'GET',
      url: `${geminiBase(ctx.deployment.baseUrl)}/v1beta/${path}`,
      headers: geminiHeaders(ctx),
    };
  },

  parsePoll(body): VideoTaskSnapshot {
    const op = (body ?? {}) as Obj;
    if (op.done !== true) return { state: 'running', upstreamStatus: 'running', outputs: [] };
    const error = op.error as { code?: unknown; message?: unknown } | undefined;
    if (error)
      return {
        state: 'failed',
        upstreamStatus: 'error',
        outputs: [],
        error: {
          ...(error.code !== undefined ? { code: String(error.code) } : {}),
          message: typeof error.message === 'string' ? error.message : 'Veo operation failed',
        },
      };
    const result = ((op.response as Obj | undefined)?.generateVideoResponse ?? {}) as Obj;
    const samples = (Array.isArray(result.generatedSamples) ? result.generatedSamples : []) as Obj[];
    const outputs = samples.flatMap((s) => {
      const video = (s.video ?? {}) as Obj;
      if (typeof video.uri === 'string') return [{ url: video.uri }];
      if (typeof video.encodedVideo === 'string')
        return [{ url: `data:${String(video.encoding ?? 'video/mp4')};base64,${video.encodedVideo}` }];
      return [];
    });
    if (outputs.length > 0) return { state: 'succeeded', upstreamStatus: 'done', outputs };
    const reasons = Array.isArray(result.raiMediaFilteredReasons)
      ? result.raiMediaFilteredReasons.join('; ')
      : '';
    return {
      state: 'failed',
      upstreamStatus: 'filtered',
      outputs: [],
      error: {
        code: 'content_filter',
        message: reasons || 'Veo returned no video (filtered by its safety filters)',
      },
    };
  },

  buildDownload(url, ctx) {
    // The deployment's key goes only to the deployment's own host: a video URI elsewhere is refused.
    if (originOf(url) !== originOf(geminiBase(ctx.deployment.baseUrl)))
      throw new ProviderError({
        kind: 'upstream',
        message: "Veo gave a video URI outside the deployment's host; not fetched with its key",
      });
    return { method: 'GET', url, headers: geminiHeaders(ctx) };
  },

  parseError: parseGeminiError,
};

function veoImage(image: VideoImage, param: string): Obj {
  if ('url' in image) throw refused(param, 'Veo on the Gemini API takes images as inline bytes, not URLs');
  return { bytesBase64Encoded: image.data, mimeType: image.mimeType };
}

function refused(param: string, message: string): ProviderError {
  return new ProviderError({ kind: 'invalid_request', param, message });
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function geminiBase(baseUrl: string | undefined): string {
  return (baseUrl ?? GEMINI_DEFAULT_BASE_URL).replace(/\/+$/, '').replace(/\/v1beta$/, '');
}
