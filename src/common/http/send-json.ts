import type { ServerResponse } from 'node:http';
import { writeHeadWithQueued } from './response-headers';

/** A JSON answer that is already text (an upstream answer forwarded as it came, or nearly). */
export class JsonText {
  constructor(readonly text: string) {}
}

/**
 * Writes a JSON answer with one serialisation (none for JsonText) and no framework in between (queued
 * headers included).
 */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = body instanceof JsonText ? body.text : JSON.stringify(body);
  writeHeadWithQueued(res, status, [
    'content-type',
    'application/json; charset=utf-8',
    'content-length',
    String(Buffer.byteLength(text)),
  ]);
  res.end(text);
}
