import type { HttpRequestSpec, ProviderContext } from './adapter';
import type { Usage } from './canonical';
import type { ProviderError } from './provider-error';

/** One uploaded image of an edit (or its mask), bytes as they came. */
export interface ImageUpload {
  /** The form field it came in (`image`, `image[]`, `mask`). */
  field: string;
  filename: string;
  contentType: string;
  data: Uint8Array;
}

/**
 * An OpenAI image generation or edit, canonical enough for a translating codec, with the caller's own
 * fields kept for a passthrough one.
 */
export interface ImageCall {
  kind: 'generation' | 'edit';
  prompt: string;
  /** Images asked for (1–10). */
  n: number;
  /** `WIDTHxHEIGHT` or `auto`, when given. */
  size?: string;
  responseFormat?: 'url' | 'b64_json';
  /** The caller's fields as sent (the JSON body, or the form's text fields), forwarded by a passthrough. */
  fields: Record<string, unknown>;
  /** The images to edit, in order (none on a generation). */
  images: ImageUpload[];
  mask?: ImageUpload;
}

/** What one image call produced: the OpenAI `ImagesResponse` to answer, and what metering records. */
export interface ImagesResult {
  body: Record<string, unknown>;
  /** Images in the answer (billed at `per_image`). */
  images: number;
  usage?: Usage;
  /** The upstream answered (and billed) without an image: metered, then thrown. */
  failure?: ProviderError;
}

/** Image generation and edits, as one provider does them (pure: no I/O). */
export interface ImagesCodec {
  buildRequest(call: ImageCall, ctx: ProviderContext): HttpRequestSpec;
  parseResponse(body: unknown, call: ImageCall): ImagesResult;
  parseError(
    status: number,
    body: unknown,
    headers: Headers | Record<string, string | string[] | undefined>,
  ): ProviderError;
}
