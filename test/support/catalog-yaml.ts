/** The YAML catalog most e2e tests use: one public model on a fake OpenAI upstream, with prices. */
export function fakeOpenAiCatalogYaml(
  upstreamBaseUrl: string,
  opts: { model?: string; apiKey?: string; pricing?: string } = {},
): string {
  return `models:
  - model_name: ${opts.model ?? 'gpt-fake'}
    deployments:
      - provider: openai
        upstream_model: gpt-4o-mini
        api_key: ${opts.apiKey ?? 'sk-upstream'}
        base_url: ${upstreamBaseUrl}/v1
    pricing: ${opts.pricing ?? '{ input_per_mtok: "0.15", output_per_mtok: "0.60" }'}
`;
}
