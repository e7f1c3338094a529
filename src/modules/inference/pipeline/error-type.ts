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
