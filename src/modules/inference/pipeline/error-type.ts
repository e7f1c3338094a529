import { GatewayError } from '../../../common/errors/gateway-error';
import { ProviderError } from '../../../providers/core/provider-error';

/** The `error_type` a usage record gets for a failure. */
export function errorTypeOf(err: unknown): string {
  if (err instanceof ProviderError) return err.kind;
  if (err instanceof GatewayError) return err.code;
  return 'internal';
}
