import type { ServerResponse } from 'node:http';

const QUEUED = Symbol('queuedHeaders');
type WithQueue = ServerResponse & { [QUEUED]?: string[] };

/**
 * Headers for an answer that is written at once (`writeHead` with a flat list): Node validates and
 * stores every `setHeader` call in its own map first, which costs about a microsecond per header on the
 * inference path (a dozen headers per answer). Headers queued here go out with the status line.
 */
export function queueHeader(res: ServerResponse, name: string, value: string): void {
  ((res as WithQueue)[QUEUED] ??= []).push(name, value);
}

/** Writes the status line with the queued headers and `extra` (name, value, name, value …). */
export function writeHeadWithQueued(res: ServerResponse, status: number, extra: string[]): void {
  const queued = (res as WithQueue)[QUEUED];
  (res as WithQueue)[QUEUED] = undefined;
  res.writeHead(status, queued ? queued.concat(extra) : extra);
}
