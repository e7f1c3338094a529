import type { ServerResponse } from 'node:http';
import { writeHeadWithQueued } from './response-headers';

/** Writes a JSON answer with one serialisation and no framework in between (queued headers included). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  writeHeadWithQueued(res, status, [
    'content-type',
    'application/json; charset=utf-8',
    'content-length',
    String(Buffer.byteLength(text)),
  ]);
  res.end(text);
}
