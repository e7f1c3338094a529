import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { googleError } from './fake-gemini';
import { sendJson, type CapturedRequest } from './fake-http';
import type { FakeVideoKeys, VideoFault, VideoProvider } from './fake-video-api';

type Json = Record<string, unknown>;

/** An answer to send: a JSON body (a string body goes as text/plain), and extra headers. */
export type Reply = { status: number; body: unknown; headers?: Record<string, string> };

/** Each provider's credential check; the refusal in its own shape. */
export function authError(
  provider: VideoProvider,
  req: CapturedRequest,
  keys: FakeVideoKeys,
): Reply | undefined {
  const authorization = req.headers.authorization;
  if (provider === 'kling') return klingAuthError(authorization, keys.kling);
  if (provider === 'seedance' && authorization !== `Bearer ${keys.seedance}`)
    return arkError(
      401,
      'AuthenticationError',
      'The API key in the request is missing or invalid.',
      'Unauthorized',
    );
  if (provider === 'sora' && authorization !== `Bearer ${keys.sora}`)
    return openAiError(401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
  if (provider === 'veo') {
    const key = req.headers['x-goog-api-key'] ?? req.query.get('key');
    if (key === undefined || key === null)
      return veoError(
        403,
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
        'PERMISSION_DENIED',
      );
    if (key !== keys.veo)
      return {
        status: 400,
        body: googleError(400, 'API key not valid. Please pass a valid API key.', 'INVALID_ARGUMENT', [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'API_KEY_INVALID',
            domain: 'googleapis.com',
            metadata: { service: 'generativelanguage.googleapis.com' },
          },
        ]),
      };
  }
  return undefined;
}

/**
 * Kling's JWT check (providers.md §3.1, §3.4): 1001 no Authorization, 1002 not a well-formed HS256
 * JWT, 1000 unknown `iss` or a bad signature, 1003 before `nbf`, 1004 at or after `exp`.
 */
function klingAuthError(
  authorization: string | undefined,
  pair: { accessKey: string; secretKey: string },
): Reply | undefined {
  if (!authorization) return klingError(401, 1001, 'Authorization is empty');
  const token = /^Bearer (\S+)$/.exec(authorization)?.[1];
  const parts = token?.split('.') ?? [];
  if (parts.length !== 3) return klingError(401, 1002, 'Authorization is invalid');
  let header: Json;
  let payload: Json;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as Json;
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Json;
  } catch {
    return klingError(401, 1002, 'Authorization is invalid');
  }
  if (header.alg !== 'HS256') return klingError(401, 1002, 'Authorization is invalid');
  if (payload.iss !== pair.accessKey) return klingError(401, 1000, 'Authentication failed');
  const expected = createHmac('sha256', pair.secretKey).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return klingError(401, 1000, 'Authentication failed');
  const now = Math.floor(Date.now() / 1000);
  if (typeof payload.nbf === 'number' && payload.nbf > now)
    return klingError(401, 1003, 'Authorization is not yet valid');
  if (typeof payload.exp !== 'number' || payload.exp <= now)
    return klingError(401, 1004, 'Authorization has expired');
  return undefined;
}

export function faultReply(provider: VideoProvider, fault: VideoFault, storage: boolean): Reply {
  const retryAfter = fault.kind === 'rate_limit' ? (fault.retryAfterSeconds ?? 1) : undefined;
  const headers = retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : undefined;
  const status =
    fault.kind === 'server_error'
      ? (fault.status ?? 500)
      : fault.kind === 'out_of_credit' && provider === 'seedance'
        ? 403
        : 429;
  if (storage) return { status, body: `fake storage fault ${status}`, headers };
  let reply: Reply;
  if (provider === 'kling') {
    if (fault.kind === 'rate_limit') reply = klingError(429, 1302, 'API request rate exceeds the limit');
    else if (fault.kind === 'out_of_credit')
      reply = klingError(429, 1102, 'Account balance not enough: the resource pack is exhausted or expired');
    else
      reply = klingError(
        status,
        status === 503 ? 5001 : status === 504 ? 5002 : 5000,
        'Internal server error',
      );
  } else if (provider === 'seedance') {
    if (fault.kind === 'rate_limit')
      reply = arkError(
        429,
        'RateLimitExceeded.EndpointRPMExceeded',
        'The request has exceeded the RPM limit of the endpoint. Please try again later.',
        'TooManyRequests',
      );
    else if (fault.kind === 'out_of_credit')
      reply = arkError(
        403,
        'AccountOverdueError',
        'The request failed because your account has an overdue balance.',
        'Forbidden',
      );
    else if (status === 503)
      reply = arkError(
        503,
        'ServerOverloaded',
        'The service is currently unable to handle additional requests due to server overload.',
        'ServiceUnavailable',
      );
    else
      reply = arkError(
        status,
        'InternalServiceError',
        'The service encountered an unexpected internal error.',
        'InternalServerError',
      );
  } else if (provider === 'veo') {
    if (fault.kind === 'rate_limit')
      reply = veoError(429, 'Resource has been exhausted (e.g. check quota).', 'RESOURCE_EXHAUSTED', [
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryAfter}s` },
      ]);
    else if (fault.kind === 'out_of_credit')
      reply = veoError(
        429,
        'You exceeded your current quota, please check your plan and billing details.',
        'RESOURCE_EXHAUSTED',
      );
    else
      reply = veoError(
        status,
        status === 503 ? 'The model is overloaded. Please try again later.' : 'Internal error encountered.',
      );
  } else if (fault.kind === 'rate_limit')
    reply = openAiError(
      429,
      'Rate limit reached for requests. Please try again later.',
      'requests',
      'rate_limit_exceeded',
    );
  else if (fault.kind === 'out_of_credit')
    reply = openAiError(
      429,
      'You exceeded your current quota, please check your plan and billing details.',
      'insufficient_quota',
      'insufficient_quota',
    );
  else
    reply = openAiError(
      status,
      'The server had an error while processing your request. Sorry about that!',
      'server_error',
      null,
    );
  return { ...reply, ...(headers ? { headers } : {}) };
}

export function klingOk(data: unknown): Reply {
  return { status: 200, body: { code: 0, message: 'SUCCEED', request_id: requestId(), data } };
}

export function klingError(status: number, code: number, message: string): Reply {
  return { status, body: { code, message, request_id: requestId() } };
}

/** Ark's `{error: {code, message, param, type}}`; the message ends with the request id, as Ark's do. */
export function arkError(status: number, code: string, message: string, type: string, param = ''): Reply {
  return { status, body: { error: { code, message: `${message} Request id: ${requestId()}`, param, type } } };
}

export function veoError(status: number, message: string, statusName?: string, details?: Json[]): Reply {
  return { status, body: googleError(status, message, statusName, details) };
}

export function openAiError(
  status: number,
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
): Reply {
  return { status, body: { error: { message, type, param, code } } };
}

export function send(res: ServerResponse, reply: Reply): void {
  if (typeof reply.body === 'string') return sendText(res, reply.status, reply.body, reply.headers);
  sendJson(res, reply.status, reply.body, reply.headers);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'text/plain', ...headers });
  res.end(text);
}

export function requestId(): string {
  return randomBytes(12).toString('base64url');
}
