import type { DeploymentTarget, ProviderContext } from '../../core/adapter';
import { fixtureCtx } from '../../core/__fixtures__/codec-fixtures';

/** The deployment every golden fixture runs against, overridden by the fixture's `deployment`. */
export function anthropicCtx(deployment: Partial<DeploymentTarget> = {}): ProviderContext {
  return fixtureCtx('anthropic', 'claude-sonnet-4-5', deployment);
}
