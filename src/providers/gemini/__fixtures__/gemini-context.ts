import type { DeploymentTarget, ProviderContext } from '../../core/adapter';
import { fixtureCtx } from '../../core/__fixtures__/codec-fixtures';

/** The deployment every golden fixture runs against, overridden by the fixture's `deployment`. */
export function geminiCtx(deployment: Partial<DeploymentTarget> = {}): ProviderContext {
  return fixtureCtx('gemini', 'gemini-2.5-flash', deployment);
}
