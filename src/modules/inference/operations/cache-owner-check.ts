import { GatewayError } from '../../../common/errors/gateway-error';
import type { Identity } from '../../auth/identity';
import type { NamedCache } from '../preparation/gemini-cache-access';
import type { GeminiCacheRegistry } from '../preparation/gemini-cache-registry';

/**
 * A provider-side cache named in a request must be the caller's (or the caller an admin): the 404 of
 * an unknown cache otherwise, naming the field it was given in.
 */
export async function requireOwnCache(
  registry: GeminiCacheRegistry,
  identity: Identity,
  cache: NamedCache | undefined,
): Promise<void> {
  if (cache === undefined || (await registry.mayUse(identity, cache.name))) return;
  throw new GatewayError('not_found', `${cache.name} not found`, { param: cache.field });
}
