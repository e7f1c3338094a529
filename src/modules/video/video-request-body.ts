import { GatewayError } from '../../common/errors/gateway-error';
import type { MultipartBody } from '../../http/multipart-body';

/**
 * A create or remix body as one object, whether it came as JSON or as a multipart form (the OpenAI SDK
 * sends forms): text fields as they are, an uploaded `input_reference` as `{data: base64, mimeType}`.
 */
export function videoRequestBody(body: unknown): Record<string, unknown> {
  if (isMultipart(body)) {
    const out: Record<string, unknown> = { ...body.fields };
    for (const f of body.files)
      out[f.field] = {
        data: f.data.toString('base64'),
        mimeType: f.contentType || 'application/octet-stream',
      };
    return out;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new GatewayError('invalid_request', 'the request body must be a JSON object or a form', {
      param: 'body',
    });
  return body as Record<string, unknown>;
}

/** A body read as a form (its files hold bytes): a JSON body with `fields` and `files` members is JSON. */
function isMultipart(body: unknown): body is MultipartBody {
  const b = body as MultipartBody | null;
  return (
    !!b &&
    typeof b === 'object' &&
    Array.isArray(b.files) &&
    typeof b.fields === 'object' &&
    b.files.every((f) => Buffer.isBuffer((f as MultipartBody['files'][number] | null)?.data))
  );
}
