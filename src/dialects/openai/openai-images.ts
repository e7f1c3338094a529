import type { MultipartBody } from '../../http/multipart-body';
import type { ImageCall, ImageUpload } from '../../providers/core/images';
import { DialectValidationError } from '../dialect-validation-error';
import { requireBodyObject, requireModel } from './openai-fields';

/** An OpenAI images request once read: the public model and the call for the codec. */
export interface ParsedOpenAiImages {
  publicModel: string;
  call: ImageCall;
}

/** OpenAI allows 16 images to edit (gpt-image). */
const MAX_EDIT_IMAGES = 16;
const IMAGE_FIELDS = new Set(['image', 'image[]']);

/**
 * OpenAI `POST /v1/images/generations` JSON body → an image call (the body kept as is for a
 * passthrough). Throws naming the field: `prompt` (required text), `n` (1–10), `size`
 * (`WIDTHxHEIGHT` or `auto`), `response_format`, `stream` (streamed images are not served).
 */
export function fromOpenAiImageGeneration(raw: unknown): ParsedOpenAiImages {
  const body = requireBodyObject(raw);
  const publicModel = requireModel(body);
  return { publicModel, call: { kind: 'generation', ...commonFields(body), fields: body, images: [] } };
}

/**
 * OpenAI `POST /v1/images/edits` form → an image call: the text fields as for a generation, the
 * files `image` / `image[]` (1–16, in order; a 400 naming `image` without one) and `mask`; any other
 * file is a 400 naming its field.
 */
export function fromOpenAiImageEdit(raw: unknown): ParsedOpenAiImages {
  if (!isForm(raw))
    throw new DialectValidationError("This route takes a multipart form with 'image' and 'prompt'", 'body');
  const fields: Record<string, unknown> = { ...raw.fields };
  const publicModel = requireModel(fields);
  const images: ImageUpload[] = [];
  let mask: ImageUpload | undefined;
  for (const f of raw.files) {
    const upload: ImageUpload = {
      field: f.field,
      filename: f.filename || 'image.png',
      contentType: f.contentType,
      data: f.data,
    };
    if (IMAGE_FIELDS.has(f.field)) images.push(upload);
    else if (f.field === 'mask' && !mask) mask = upload;
    else throw new DialectValidationError(`unexpected file field '${f.field}'`, f.field);
  }
  if (images.length === 0)
    throw new DialectValidationError("Missing required file: 'image' (the image to edit)", 'image');
  if (images.length > MAX_EDIT_IMAGES)
    throw new DialectValidationError(`'image' takes at most ${MAX_EDIT_IMAGES} files`, 'image');
  if (images.some((i) => i.data.byteLength === 0))
    throw new DialectValidationError("an 'image' file is empty", 'image');
  return { publicModel, call: { kind: 'edit', ...commonFields(fields), fields, images, mask } };
}

/** The fields both routes share, read from JSON values or form text. */
function commonFields(
  body: Record<string, unknown>,
): Pick<ImageCall, 'prompt' | 'n' | 'size' | 'responseFormat'> {
  const prompt = body.prompt;
  if (typeof prompt !== 'string' || prompt.trim() === '')
    throw new DialectValidationError("Missing required parameter: 'prompt' (a non-empty string)", 'prompt');
  const n = integerField(body.n) ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > 10)
    throw new DialectValidationError("'n' must be an integer from 1 to 10", 'n');
  const size = textField(body, 'size');
  if (size !== undefined && size !== 'auto' && !/^[1-9]\d*x[1-9]\d*$/.test(size))
    throw new DialectValidationError("'size' must be WIDTHxHEIGHT (e.g. 1024x1024) or auto", 'size');
  const responseFormat = textField(body, 'response_format');
  if (responseFormat !== undefined && responseFormat !== 'url' && responseFormat !== 'b64_json')
    throw new DialectValidationError("'response_format' must be url or b64_json", 'response_format');
  if (body.stream === true || body.stream === 'true')
    throw new DialectValidationError('streamed image generation is not served; omit stream', 'stream');
  return { prompt, n, size, responseFormat };
}

/** A JSON integer, or a form's decimal text; absent (or null) → undefined; anything else → NaN. */
function integerField(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number') return Number.isInteger(v) ? v : NaN;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v.trim());
  return NaN;
}

function textField(body: Record<string, unknown>, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new DialectValidationError(`'${key}' must be a string`, key);
  return v;
}

function isForm(body: unknown): body is MultipartBody {
  const b = body as MultipartBody | null;
  return !!b && typeof b === 'object' && Array.isArray(b.files) && typeof b.fields === 'object';
}
