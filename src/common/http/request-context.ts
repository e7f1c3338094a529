import type { IncomingMessage } from 'node:http';
import { resolveRequestId } from './request-id';

declare module 'http' {
  interface IncomingMessage {
    /** Set once per request by the request-id middleware or the fast routes. */
    requestId?: string;
  }
}

export function requestIdOf(req: Pick<IncomingMessage, 'headers' | 'requestId'>): string {
  if (!req.requestId) req.requestId = resolveRequestId(req.headers['x-request-id']);
  return req.requestId;
}
