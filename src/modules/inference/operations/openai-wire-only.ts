import { GatewayError } from '../../../common/errors/gateway-error';
import { getAdapter } from '../../../providers/provider-registry';
import type { ResolvedModel } from '../../routing/catalog.types';

/**
 * The model with only its deployments whose passthrough wire is OpenAI's, and then no fallbacks (a
 * model of mixed providers is served by its OpenAI side); none: a 400 naming `model` that says `why`.
 */
export function openAiWireOnly(resolved: ResolvedModel, why: string): ResolvedModel {
  const deployments = resolved.model.deployments.filter(
    (d) => getAdapter(d.provider)?.passthrough?.wire === 'openai',
  );
  if (deployments.length === resolved.model.deployments.length) return resolved;
  if (deployments.length === 0)
    throw new GatewayError('invalid_request', `${why}; model '${resolved.requestedName}' has none`, {
      param: 'model',
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
