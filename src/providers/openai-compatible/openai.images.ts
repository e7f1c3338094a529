import type { HttpRequestSpec, ProviderContext } from '../core/adapter';
import type { Usage } from '../core/canonical';
import type { ImageCall, ImagesCodec } from '../core/images';
import { encodeMultipartForm } from '../core/multipart-form';
import { ProviderError } from '../core/provider-error';
import { parseOpenAiError } from './openai.errors';

/** Where an image operation goes and with which headers (the flavour's URL and auth rules). */
export interface OpenAiImagesTarget {
  url(ctx: ProviderContext, operation: 'images.generations' | 'images.edits'): string;
  /** JSON headers with the credentials; the edit replaces the content type with the form's. */
  headers(ctx: ProviderContext): Record<string, string>;
}

/** gpt-image usage (`input_tokens`, `output_tokens` with their details) → canonical; output is image tokens. */
interface OpenAiImageUsage {
  input_tokens?: number;
  output_tokens?: number;
  input_tokens_details?: { text_tokens?: number; image_tokens?: number };
  output_tokens_details?: { text_tokens?: number; image_tokens?: number };
}

/**
 * OpenAI's images API, passed through: a generation's JSON body and an edit's form are forwarded with
 * the caller's fields and files as they came, only `model` replaced by the deployment's; the answer
 * (`ImagesResponse`) is returned as is, its images counted and its `usage` (gpt-image) read.
 */
export function openAiImagesCodec(target: OpenAiImagesTarget): ImagesCodec {
  return {
    buildRequest(call, ctx) {
      return call.kind === 'edit' ? editRequest(call, ctx, target) : generationRequest(call, ctx, target);
    },
    parseResponse(body) {
      if (!body || typeof body !== 'object' || Array.isArray(body))
        throw new ProviderError({ kind: 'upstream', message: 'the images answer is not a JSON object' });
      const b = body as Record<string, unknown> & { data?: unknown; usage?: OpenAiImageUsage };
      const images = Array.isArray(b.data) ? b.data.length : 0;
      return { body: b, images, usage: fromOpenAiImageUsage(b.usage) };
    },
    parseError: parseOpenAiError,
  };
}

function generationRequest(
  call: ImageCall,
  ctx: ProviderContext,
  target: OpenAiImagesTarget,
): HttpRequestSpec {
  const body = { ...call.fields, model: ctx.deployment.upstreamModel };
  return {
    method: 'POST',
    url: target.url(ctx, 'images.generations'),
    headers: target.headers(ctx),
    body: JSON.stringify(body),
  };
}

function editRequest(call: ImageCall, ctx: ProviderContext, target: OpenAiImagesTarget): HttpRequestSpec {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(call.fields))
    if (v !== undefined && v !== null) fields[k] = typeof v === 'string' ? v : JSON.stringify(v);
  fields.model = ctx.deployment.upstreamModel;
  const form = encodeMultipartForm(fields, call.mask ? [...call.images, call.mask] : call.images);
  return {
    method: 'POST',
    url: target.url(ctx, 'images.edits'),
    headers: { ...target.headers(ctx), 'content-type': form.contentType },
    body: form.body,
  };
}

/** gpt-image usage → canonical: input tokens as the prompt, output tokens as image output. */
export function fromOpenAiImageUsage(u: OpenAiImageUsage | undefined): Usage | undefined {
  if (!u || typeof u !== 'object' || typeof u.input_tokens !== 'number') return undefined;
  const output = u.output_tokens ?? 0;
  const usage: Usage = { promptTokens: u.input_tokens, completionTokens: output };
  const imageOut =
    u.output_tokens_details?.image_tokens ?? output - (u.output_tokens_details?.text_tokens ?? 0);
  if (imageOut > 0) usage.imageOutputTokens = imageOut;
  return usage;
}
