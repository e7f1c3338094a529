/**
 * The providers a deployment can name. A file of its own, without imports: the admin console (ui/)
 * imports it too, for its deployment form and usage-log filter.
 */
export const PROVIDER_IDS = [
  'openai',
  'openai-compatible',
  'azure-openai',
  'anthropic',
  'gemini',
  'deepseek',
  'kling',
  'seedance',
  'mock',
] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];
