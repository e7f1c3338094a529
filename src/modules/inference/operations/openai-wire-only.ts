import { getAdapter } from '../../../providers/provider-registry';
import type { ResolvedModel } from '../../routing/catalog.types';
import { narrowedRoute } from '../../routing/narrowed-route';

/**
 * The model with only its deployments whose passthrough wire is OpenAI's, and then no fallbacks (a
 * model of mixed providers is served by its OpenAI side); none: a 400 naming `param` that says `why`.
 */
export function openAiWireOnly(resolved: ResolvedModel, why: string, param = 'model'): ResolvedModel {
  return narrowedRoute(resolved, (d) => getAdapter(d.provider)?.passthrough?.wire === 'openai', why, param);
}
