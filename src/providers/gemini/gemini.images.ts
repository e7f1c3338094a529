import type { ImageCall, ImagesCodec } from '../core/images';
import { ProviderError } from '../core/provider-error';
import { invalidParam, parseGeminiError } from './gemini.errors';
import { geminiPost } from './gemini.http';
import { fromGeminiUsage } from './gemini.parts';
import type { GeminiGenerateContentRequest, GeminiGenerateContentResponse, GeminiPart } from './gemini.wire';

/** The aspect ratios Gemini image models take (`generationConfig.imageConfig.aspectRatio`). */
const ASPECT_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'];
/** A size is served at the closest supported ratio within this relative distance (1792x1024 → 16:9). */
const RATIO_TOLERANCE = 0.03;

/**
 * OpenAI's images API on a Gemini image model (e.g. `gemini-2.5-flash-image`): one `generateContent`
 * with `responseModalities: ['IMAGE']` (an edit's images as `inlineData` parts before the prompt), the
 * `size` as the nearest `imageConfig.aspectRatio`; the answer's `inlineData` parts become `b64_json`
 * images, metered from `usageMetadata` (image output tokens) and the images counted. Refused with a
 * 400 naming the field: `n` > 1 (one call makes one image), `response_format: url` (Gemini returns
 * bytes, not links), `mask` (Gemini edits by instruction, without masks), `background: transparent`,
 * an `output_format` other than png, a size of no supported ratio. `quality` is a hint and not sent.
 */
export const geminiImagesCodec: ImagesCodec = {
  buildRequest(call, ctx) {
    if (call.n > 1)
      throw invalidParam('n', 'a Gemini image model makes one image per request; send n=1 (or omit it)');
    if (call.responseFormat === 'url')
      throw invalidParam('response_format', "a Gemini image model returns image bytes; use 'b64_json'");
    if (call.mask) throw invalidParam('mask', 'a Gemini image model edits by instruction and takes no mask');
    if (call.fields.background === 'transparent')
      throw invalidParam('background', 'a Gemini image model makes no transparent backgrounds');
    const format = call.fields.output_format;
    if (format !== undefined && format !== null && format !== 'png')
      throw invalidParam('output_format', "a Gemini image model answers PNG images; use 'png' (or omit it)");
    const parts: GeminiPart[] = call.images.map((img) => ({
      inlineData: {
        mimeType: img.contentType || 'image/png',
        data: Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength).toString('base64'),
      },
    }));
    parts.push({ text: call.prompt });
    const aspectRatio = aspectRatioOf(call.size);
    const body: GeminiGenerateContentRequest = {
      contents: [{ role: 'user', parts }],
      generationConfig: {
        responseModalities: ['IMAGE'],
        ...(aspectRatio ? { imageConfig: { aspectRatio } } : {}),
      },
    };
    return geminiPost(ctx, 'generateContent', body);
  },
  parseResponse(body, call) {
    const res = (body ?? {}) as GeminiGenerateContentResponse;
    const data: Array<{ b64_json: string; revised_prompt?: string }> = [];
    let text = '';
    for (const part of res.candidates?.[0]?.content?.parts ?? []) {
      if (part.thought) continue;
      if (part.inlineData?.mimeType?.startsWith('image/')) data.push({ b64_json: part.inlineData.data });
      else if (typeof part.text === 'string') text += part.text;
    }
    const usage = fromGeminiUsage(res.usageMetadata);
    if (data.length === 0) {
      const reason = res.candidates?.[0]?.finishReason ?? res.promptFeedback?.blockReason ?? 'no image';
      const failure = new ProviderError({
        kind: /SAFETY|PROHIBITED|BLOCK/.test(reason) ? 'content_filter' : 'upstream',
        message: `the Gemini model answered without an image (${reason})${text ? `: ${text.slice(0, 200)}` : ''}`,
        upstreamCode: reason,
      });
      return { body: {}, images: 0, usage, failure };
    }
    const answer: Record<string, unknown> = { created: Math.floor(Date.now() / 1000), data };
    if (usage) answer.usage = toImageGenUsage(usage, call);
    return { body: answer, images: data.length, usage };
  },
  parseError: parseGeminiError,
};

/** `WIDTHxHEIGHT` → the closest supported aspect ratio; `auto` or none → undefined (the model picks). */
export function aspectRatioOf(size: string | undefined): string | undefined {
  if (size === undefined || size === 'auto') return undefined;
  const m = /^(\d+)x(\d+)$/.exec(size);
  if (!m || Number(m[1]) === 0 || Number(m[2]) === 0)
    throw invalidParam('size', `'${size}' is not WIDTHxHEIGHT or auto`);
  const wanted = Number(m[1]) / Number(m[2]);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const r of ASPECT_RATIOS) {
    const [w, h] = r.split(':').map(Number);
    const distance = Math.abs(w / h - wanted) / wanted;
    if (distance < bestDistance) [best, bestDistance] = [r, distance];
  }
  if (bestDistance > RATIO_TOLERANCE)
    throw invalidParam('size', `'${size}' has no Gemini aspect ratio (${ASPECT_RATIOS.join(', ')})`);
  return best;
}

/** Canonical usage as OpenAI's `ImageGenUsage` (input split into text and image tokens as best known). */
function toImageGenUsage(u: NonNullable<ReturnType<typeof fromGeminiUsage>>, call: ImageCall) {
  const imageIn =
    call.images.length > 0 ? Math.max(0, u.promptTokens - Math.ceil(call.prompt.length / 4)) : 0;
  return {
    input_tokens: u.promptTokens,
    output_tokens: u.completionTokens,
    total_tokens: u.promptTokens + u.completionTokens,
    input_tokens_details: { text_tokens: u.promptTokens - imageIn, image_tokens: imageIn },
    output_tokens_details: {
      image_tokens: u.imageOutputTokens ?? 0,
      text_tokens: u.completionTokens - (u.imageOutputTokens ?? 0),
    },
  };
}
