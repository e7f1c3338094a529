import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../errors/gateway-error';
import { discardRestOf } from './discard-body';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth';

export interface JsonBodyOptions {
  /**
   * Only `application/json` (parameters allowed) is JSON, and a body of another type is a 415 (the
   * admin API); otherwise any type naming `json` is read, and another one is a 400.
   */
  jsonOnly?: boolean;
}

/**
 * Reads a JSON body once, within `maxBytes`: 413 above it (the rest of the body is discarded, so the
 * client reads the answer), 400 for a body that is not UTF-8, nests deeper than MAX_JSON_DEPTH or is
 * not valid JSON, 400 (415 with `jsonOnly`) naming `content-type` for a body not declared as JSON,
 * `undefined` when the request has no body.
 */
export function readJsonBody(
  req: IncomingMessage,
  maxBytes: number,
  opts?: JsonBodyOptions,
): Promise<unknown> {
  if (req.method === 'GET' || req.method === 'HEAD') return Promise.resolve(undefined);
  const type = req.headers['content-type'];
  const json = opts?.jsonOnly ? isJsonMediaType(type) : type?.includes('json') === true;
  if (!json && (req.headers['content-length'] === '0' || !hasBody(req))) return Promise.resolve(undefined);
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) {
    discardRestOf(req);
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
        discardRestOf(req);
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (failed) return;
      const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      if (bytes.length === 0) return resolve(undefined);
      if (!json) return reject(notJson(type, opts?.jsonOnly === true));
      try {
        resolve(parseJson(bytes));
      } catch (err) {
        reject(err);
      }
    });
    req.on('error', (err) => {
      if (!failed) reject(err);
    });
  });
}

/** A body's bytes as JSON: strict UTF-8 (checked before decoding), at most MAX_JSON_DEPTH deep. */
function parseJson(bytes: Buffer): unknown {
  if (!isUtf8(bytes))
    throw new GatewayError('invalid_json', 'Request body is not valid JSON: it is not valid UTF-8');
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new GatewayError('invalid_json', `Request body is not valid JSON: ${(err as Error).message}`);
  }
  if (nestsDeeperThan(value, MAX_JSON_DEPTH))
    throw new GatewayError(
      'invalid_json',
      `Request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`,
    );
  return value;
}

/** `application/json`, with or without parameters (`; charset=utf-8`). */
function isJsonMediaType(type: string | undefined): boolean {
  return type !== undefined && /^\s*application\/json\s*(;|$)/i.test(type);
}

/** Whether the request announces a body (a length or a chunked transfer). */
function hasBody(req: IncomingMessage): boolean {
  return req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
}

function notJson(type: string | undefined, unsupported: boolean): GatewayError {
  return new GatewayError(
    'unsupported_content_type',
    `Request bodies must be JSON, sent with 'content-type: application/json'; this one came with ${
      type ? `'content-type: ${type}'` : 'no content-type'
    }`,
    { param: 'content-type', status: unsupported ? 415 : undefined },
  );
}

/** 413; the connection closes after it (the rest of the body is not worth reading). */
export function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError(
    'request_too_large',
    `Request body exceeds the ${maxBytes}-byte limit (SWITCHBOARD_MAX_BODY_BYTES)`,
    { headers: { connection: 'close' } },
  );
}
