import type { FakeVideo } from '../fakes/fake-video';

/** A catalog with one model per video provider, each on the fake (public name = upstream name). */
export function videoCatalogYaml(fake: FakeVideo): string {
  const dep = (provider: string, upstream: string, base: string, apiKey: string) =>
    `  - model_name: ${upstream}\n    deployments:\n      - { provider: ${provider}, upstream_model: ${upstream}, base_url: "${base}", api_key: "${apiKey}" }\n`;
  return (
    'models:\n' +
    dep('kling', 'kling-v2-1-master', fake.baseUrls.kling, fake.deploymentKeys.kling) +
    dep('seedance', 'seedance-1-0-pro-250528', fake.baseUrls.seedance, fake.deploymentKeys.seedance) +
    dep('gemini', 'veo-3.0-generate-001', fake.baseUrls.veo, fake.deploymentKeys.veo) +
    dep('openai', 'sora-2', fake.baseUrls.sora, fake.deploymentKeys.sora)
  );
}

/** Fast polling for tests. */
export const FAST_VIDEO_POLLS = {
  SWITCHBOARD_VIDEO_POLL_MS: '40',
  SWITCHBOARD_VIDEO_POLL_MAX_MS: '200',
  SWITCHBOARD_VIDEO_RECOVERY_MS: '1000',
};
