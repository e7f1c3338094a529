import type { NextFunction, Request, Response } from 'express';
import { GatewayError } from '../errors/gateway-error';

/**
 * Reads JSON bodies once, with the configured size limit, before any route runs. Errors are handed to
 * `next(err)` as GatewayErrors so the dialect filter renders them (invalid JSON → 400, too large → 413).
 */
export function jsonBodyMiddleware(maxBytes: number) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const type = req.headers['content-type'] ?? '';
    if (req.method === 'GET' || req.method === 'HEAD' || !type.includes('json')) return next();
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) return next(tooLarge(maxBytes));
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > maxBytes) {
        failed = true;
        req.resume();
        next(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (failed) return;
      const text = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
      if (text.length === 0) {
        req.body = undefined;
        return next();
      }
      try {
        req.body = JSON.parse(text);
      } catch (err) {
        return next(new GatewayError('invalid_json', `Request body is not valid JSON: ${(err as Error).message}`));
      }
      next();
    });
    req.on('error', (err) => {
      if (!failed) next(err);
    });
  };
}

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError('request_too_large', `Request body exceeds the ${maxBytes}-byte limit (SWITCHBOARD_MAX_BODY_BYTES)`);
}
