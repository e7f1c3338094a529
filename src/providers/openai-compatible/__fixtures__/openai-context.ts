import type { DeploymentTarget, ProviderContext } from '../../core/adapter';

/** The deployment every golden fixture runs against, overridden by the fixture's `deployment`. */
export function openAiCtx(deployment: Partial<DeploymentTarget> = {}): ProviderContext {
  return {
    requestId: 'req-1',
    deployment: {
      id: 'dep-1',
      provider: 'openai-compatible',
      upstreamModel: 'gpt-4o-mini',
      apiKey: 'test-key',
      connectTimeoutMs: 5000,
      timeoutMs: 120000,
      streamIdleTimeoutMs: 60000,
      settings: {},
      ...deployment,
    },
  };
}
