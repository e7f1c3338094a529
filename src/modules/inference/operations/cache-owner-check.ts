import { GatewayError } from '../../../common/errors/gateway-error';
import type { Identity } from '../../auth/identity';
import type { NamedCache } from '../preparation/gemini-cache-access';
import type { GeminiCacheRegistry } from '../preparation/gemini-cache-registry';

/**
 * A provider-side cache named in a request must be the caller's (or the caller an admin): the 404 of
 * an unknown cache otherwise, naming the field it was given in. Undefined when the request names none.
 */
export function requireOwnCache(
  registry: GeminiCacheRegistry,
  identity: Identity,
  cache: NamedCache | undefined,
): Promise<void> | undefined {
  if (cache === undefined) return undefined;
  return registry.mayUse(identity, cache.name).then((allowed) => {
    if (!allowed) throw new GatewayError('not_found', `${cache.name} not found`, { param: cache.field });
  });
}
