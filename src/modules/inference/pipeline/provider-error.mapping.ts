import { ProviderError } from '../../../providers/core/provider-error';
import { GatewayError } from '../../../common/errors/gateway-error';
import { isDatabaseBusy } from '../../../database/database-busy';
import { redactSecrets } from '../../../providers/core/redact-secrets';

/** Upstream failure → client-facing error (contract §9.8). */
export function fromProviderError(err: ProviderError): GatewayError {
  // Whatever credential-shaped text an upstream put in its message never reaches a client.
  const message = redactSecrets(err.message);
  const upstream = err.upstreamStatus
    ? ` (upstream ${err.upstreamStatus}${err.upstreamCode ? ` ${err.upstreamCode}` : ''})`
    : '';
  switch (err.kind) {
    case 'invalid_request':
    case 'context_length':
    case 'content_filter':
      return new GatewayError('invalid_request', `${message}${upstream}`, {
        status: err.upstreamStatus === 404 || err.upstreamStatus === 413 ? err.upstreamStatus : 400,
        param: err.param,
      });
    case 'not_found':
      return new GatewayError('not_found', `${message}${upstream}`, { status: 404, param: err.param });
    case 'unsupported':
      return new GatewayError('invalid_request', message, { param: err.param });
    case 'rate_limit':
      return new GatewayError('rate_limit_exceeded', `upstream rate limit: ${message}${upstream}`, {
        retryAfterSeconds: Math.max(1, Math.ceil((err.retryAfterMs ?? 1000) / 1000)),
      });
    case 'timeout':
      return new GatewayError('upstream_timeout', `upstream timeout: ${message}`);
    case 'auth':
      return new GatewayError(
        'upstream_error',
        `upstream rejected the deployment's credentials${upstream}: ${message}`,
      );
    case 'insufficient_credit':
      return new GatewayError(
        'upstream_error',
        `the provider account of this deployment is out of credit${upstream}: ${message}`,
      );
    case 'overloaded':
    case 'upstream':
    case 'connection':
      return new GatewayError('upstream_error', `upstream error${upstream}: ${message}`);
  }
}

export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (err instanceof ProviderError) return fromProviderError(err);
  if (isDatabaseBusy(err))
    return new GatewayError('service_unavailable', 'the database is busy; retry the request');
  return new GatewayError('internal_error', 'internal error');
}
