/**
 * Every error a client can see is a GatewayError with a code; only the dialect renderers turn it
 * into an HTTP body (contract §3).
 */
export type GatewayErrorCode =
  | 'invalid_request'
  | 'invalid_json'
  | 'unsupported_content_type'
  | 'request_too_large'
  | 'invalid_api_key'
  | 'permission_denied'
  | 'model_not_allowed'
  | 'model_not_found'
  | 'not_found'
  | 'conflict'
  | 'rate_limit_exceeded'
  | 'budget_exceeded'
  | 'upstream_error'
  | 'upstream_timeout'
  | 'no_healthy_deployment'
  | 'response_schema_validation_failed'
  | 'service_unavailable'
  | 'internal_error';

const STATUS: Record<GatewayErrorCode, number> = {
  invalid_request: 400,
  invalid_json: 400,
  unsupported_content_type: 400,
  request_too_large: 413,
  invalid_api_key: 401,
  permission_denied: 403,
  model_not_allowed: 403,
  model_not_found: 404,
  not_found: 404,
  conflict: 409,
  rate_limit_exceeded: 429,
  budget_exceeded: 429,
  upstream_error: 502,
  upstream_timeout: 504,
  no_healthy_deployment: 503,
  response_schema_validation_failed: 502,
  service_unavailable: 503,
  internal_error: 500,
};

export interface GatewayErrorOptions {
  /** The request field at fault (OpenAI `param`). */
  param?: string;
  /** Overrides the code's default status (upstream 400/404 keep their status). */
  status?: number;
  retryAfterSeconds?: number;
  /** Extra headers (rate-limit headers on a 429). */
  headers?: Record<string, string>;
  /** Extra fields for the error object (e.g. `raw_response`). */
  extra?: Record<string, unknown>;
}

export class GatewayError extends Error {
  readonly status: number;
  readonly param?: string;
  readonly retryAfterSeconds?: number;
  readonly headers?: Record<string, string>;
  readonly extra?: Record<string, unknown>;

  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    opts: GatewayErrorOptions = {},
  ) {
    super(message);
    this.name = 'GatewayError';
    this.status = opts.status ?? STATUS[code];
    this.param = opts.param;
    this.retryAfterSeconds = opts.retryAfterSeconds;
    this.headers = opts.headers;
    this.extra = opts.extra;
  }
}

/** The message every failed authentication gets, in every dialect (contract §9.9). */
export const INVALID_KEY_MESSAGE = 'Invalid API key: the key is missing, unknown, expired or revoked.';

export function invalidRequest(message: string, param?: string): GatewayError {
  return new GatewayError('invalid_request', message, { param });
}
