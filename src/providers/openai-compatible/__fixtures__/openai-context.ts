import type { DeploymentTarget, ProviderContext } from '../../core/adapter';
import { fixtureCtx } from '../../core/__fixtures__/codec-fixtures';

/** The deployment every golden fixture runs against, overridden by the fixture's `deployment`. */
export function openAiCtx(deployment: Partial<DeploymentTarget> = {}): ProviderContext {
  return fixtureCtx('openai-compatible', 'gpt-4o-mini', deployment);
}
