import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * What the inference path needs of a request. An Express request satisfies it, and so does a raw
 * Node request decorated by the fast routes (no Express, no Nest pipeline on the hot path).
 */
export type InferenceRequest = IncomingMessage & {
  path: string;
  query: Record<string, unknown>;
  params: Record<string, string | string[]>;
  body: unknown;
};

export type InferenceResponse = ServerResponse;

/** Splits a raw URL into path and query once (query parsed only when present). */
export function decorateRawRequest(
  req: IncomingMessage,
  params: Record<string, string>,
  body: unknown,
  path: string,
  search: string,
): InferenceRequest {
  const r = req as InferenceRequest;
  r.path = path;
  r.params = params;
  r.body = body;
  r.query = search ? Object.fromEntries(new URLSearchParams(search)) : {};
  return r;
}
