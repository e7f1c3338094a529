import { GatewayError } from '../../common/errors/gateway-error';
import type { CatalogDeployment, ResolvedModel } from './catalog.types';

/**
 * The model with only the deployments that can serve an operation, and then no fallbacks to other
 * models (a model of mixed providers is served by its capable side). None left: a 400 naming `param`,
 * its message `why` followed by "model '…' has none".
 */
export function narrowedRoute(
  resolved: ResolvedModel,
  keep: (d: CatalogDeployment) => boolean,
  why: string,
  param = 'model',
): ResolvedModel {
  const deployments = resolved.model.deployments.filter(keep);
  if (deployments.length === resolved.model.deployments.length) return resolved;
  if (deployments.length === 0)
    throw new GatewayError('invalid_request', `${why}; model '${resolved.requestedName}' has none`, {
      param,
    });
  return {
    ...resolved,
    model: {
      ...resolved.model,
      deployments,
      fallbacks: [],
      contextWindowFallbacks: [],
      contentPolicyFallbacks: [],
    },
  };
}
