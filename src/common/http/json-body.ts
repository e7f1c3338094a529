import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../errors/gateway-error';

/**
 * Reads a JSON body once, within `maxBytes`: 413 above it, 400 for invalid JSON, 400 naming
 * `content-type` for a body that is not declared as JSON, `undefined` when the request has no body.
 */
export function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  if (req.method === 'GET' || req.method === 'HEAD') return Promise.resolve(undefined);
  const type = req.headers['content-type'];
  const json = type?.includes('json') === true;
  if (!json && (req.headers['content-length'] === '0' || !hasBody(req))) return Promise.resolve(undefined);
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
    req.resume();
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > maxBytes) {
        failed = true;
        req.resume();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (failed) return;
      const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
      if (text.length === 0) return resolve(undefined);
      if (!json) return reject(notJson(type));
      try {
        resolve(JSON.parse(text));
      } catch (err) {
        reject(new GatewayError('invalid_json', `Request body is not valid JSON: ${(err as Error).message}`));
      }
    });
    req.on('error', (err) => {
      if (!failed) reject(err);
    });
  });
}

/** Whether the request announces a body (a length or a chunked transfer). */
function hasBody(req: IncomingMessage): boolean {
  return req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
}

function notJson(type: string | undefined): GatewayError {
  return new GatewayError(
    'unsupported_content_type',
    `Request bodies must be JSON, sent with 'content-type: application/json'; this one came with ${
      type ? `'content-type: ${type}'` : 'no content-type'
    }`,
    { param: 'content-type' },
  );
}

export function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError(
    'request_too_large',
    `Request body exceeds the ${maxBytes}-byte limit (SWITCHBOARD_MAX_BODY_BYTES)`,
  );
}
