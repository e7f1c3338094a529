import type { GatewayError, GatewayErrorCode } from '../common/errors/gateway-error';
import type { Dialect } from './dialect';

/**
 * Renders a GatewayError in each client dialect's own error shape, following the status table of
 * contract §3. In dialects without a code field the message starts with the code.
 */
export function renderErrorBody(dialect: Dialect, err: GatewayError, requestId: string): unknown {
  switch (dialect) {
    case 'openai':
      return {
        error: {
          message: err.message,
          type: openAiType(err.status, err.code),
          param: err.param ?? null,
          code: openAiCode(err.code),
          ...(err.extra ?? {}),
        },
      };
    case 'anthropic':
      return {
        type: 'error',
        error: { type: anthropicType(err.status, err.code), message: prefixed(err) },
        request_id: requestId,
      };
    case 'google':
      return {
        error: {
          code: err.status,
          message: prefixed(err),
          status: googleStatus(err.status),
          ...(err.extra ?? {}),
        },
      };
    case 'kling':
      return { code: klingCode(err.status, err.code), message: prefixed(err), request_id: requestId };
    case 'seedance':
      return {
        error: {
          code: seedanceCode(err.status, err.code),
          message: prefixed(err),
          param: err.param,
          type: seedanceType(err.status),
        },
      };
  }
}

function prefixed(err: GatewayError): string {
  const code = openAiCode(err.code);
  return err.message.startsWith(`${code}:`) ? err.message : `${code}: ${err.message}`;
}

function openAiCode(code: GatewayErrorCode): string {
  if (code === 'invalid_request') return 'invalid_request_error';
  if (code === 'not_found') return 'not_found';
  return code;
}

function openAiType(status: number, code: GatewayErrorCode): string {
  if (code === 'budget_exceeded') return 'insufficient_quota';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

function anthropicType(status: number, code: GatewayErrorCode): string {
  if (code === 'request_too_large') return 'request_too_large';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 503) return 'overloaded_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

function googleStatus(status: number): string {
  switch (status) {
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 503:
      return 'UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT';
  }
}

function klingCode(status: number, code: GatewayErrorCode): number {
  if (code === 'budget_exceeded') return 1102;
  if (status === 401) return 1000;
  if (status === 403) return 1103;
  if (status === 404) return 1203;
  if (status === 429) return 1302;
  if (status >= 500) return 5000;
  return 1201;
}

function seedanceCode(status: number, code: GatewayErrorCode): string {
  if (code === 'budget_exceeded') return 'QuotaExceeded';
  if (status === 401) return 'AuthenticationError';
  if (status === 403) return 'AccessDenied';
  if (status === 404) return 'NotFound';
  if (status === 429) return 'RateLimitExceeded';
  if (status >= 500) return 'InternalServiceError';
  return 'InvalidParameter';
}

function seedanceType(status: number): string {
  if (status === 401) return 'Unauthorized';
  if (status === 403) return 'Forbidden';
  if (status === 404) return 'NotFound';
  if (status === 429) return 'TooManyRequests';
  if (status >= 500) return 'InternalServerError';
  return 'BadRequest';
}
