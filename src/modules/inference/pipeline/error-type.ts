import { GatewayError } from '../../../common/errors/gateway-error';
import { ProviderError } from '../../../providers/core/provider-error';
import { StreamErrorReported } from './streams';

/** The `error_type` a usage record gets for a failure. */
export function errorTypeOf(err: unknown): string {
  if (err instanceof StreamErrorReported) return errorTypeOf(err.failure);
  if (err instanceof ProviderError) return err.kind;
  if (err instanceof GatewayError) return err.code;
  return 'internal';
}

/**
 * The status a stream that failed after its 200 went out is recorded with (the caller was told in-band
 * or by the cut): 504 when the upstream timed out (went idle past `stream_idle_timeout_ms`), else 502.
 */
export function midStreamStatusOf(err: unknown): number {
  return errorTypeOf(err) === 'timeout' ? 504 : 502;
}
