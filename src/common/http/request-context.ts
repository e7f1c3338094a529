import type { Request } from 'express';
import { resolveRequestId } from './request-id';

declare module 'http' {
  interface IncomingMessage {
    /** Set once per request by the request-id middleware. */
    requestId?: string;
    startedAt?: number;
  }
}

export function requestIdOf(req: Request): string {
  if (!req.requestId) req.requestId = resolveRequestId(req.headers['x-request-id']);
  return req.requestId;
}
