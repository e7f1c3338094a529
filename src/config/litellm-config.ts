import type { ProviderId } from '../providers/core/adapter';
import { ConfigError } from './config-error';
import {
  DEFAULT_ROUTER,
  DEPLOYMENT_DEFAULTS,
  type ModelConfig,
  type RouterConfig,
  type RouterStrategy,
} from './config.types';
import { keyPath, unknownKeys } from './known-keys';
import { fromLiteLlmPricing, isLiteLlmCostKey } from './litellm-pricing';
import { asArray, asObject, optInt, optString, reqString, servedProvider } from './yaml-values';

type Env = Record<string, string | undefined>;

/** LiteLLM `litellm_params.model` prefixes → our provider ids. A bare name means OpenAI. */
const LITELLM_PROVIDERS: Record<string, ProviderId> = {
  gemini: 'gemini',
  openai: 'openai',
  text_completion_openai: 'openai',
  azure: 'azure-openai',
  anthropic: 'anthropic',
  deepseek: 'deepseek',
  openrouter: 'openai-compatible',
  hosted_vllm: 'openai-compatible',
  openai_like: 'openai-compatible',
  together_ai: 'openai-compatible',
  groq: 'openai-compatible',
  mistral: 'openai-compatible',
  xai: 'openai-compatible',
};

const LITELLM_DEFAULT_BASES: Record<string, string> = {
  openrouter: 'https://openrouter.ai/api/v1',
  together_ai: 'https://api.together.xyz/v1',
  groq: 'https://api.groq.com/openai/v1',
  mistral: 'https://api.mistral.ai/v1',
  xai: 'https://api.x.ai/v1',
};

const STRATEGY_NAMES: Record<string, RouterStrategy> = {
  'simple-shuffle': 'weighted',
  'least-busy': 'least-busy',
  'latency-based-routing': 'lowest-latency',
  'usage-based-routing': 'usage-based',
  'usage-based-routing-v2': 'usage-based',
};

/** Keys of `litellm_params` that are not provider settings. */
const LITELLM_KNOWN = new Set([
  'model',
  'api_key',
  'api_base',
  'base_url',
  'rpm',
  'tpm',
  'weight',
  'order',
  'timeout',
  'stream_timeout',
  'api_version',
]);

/** Top-level keys of LiteLLM's proxy config format; any of them makes a file LiteLLM-format. */
export const LITELLM_ROOT_KEYS = [
  'model_list',
  'litellm_settings',
  'router_settings',
  'general_settings',
  'environment_variables',
];

/** The LiteLLM sections read, with the keys read in each; the rest of a section is ignored. */
const LITELLM_SECTIONS: Record<string, readonly string[]> = {
  general_settings: [],
  environment_variables: [],
  router_settings: [
    'routing_strategy',
    'num_retries',
    'allowed_fails',
    'cooldown_time',
    'fallbacks',
    'context_window_fallbacks',
    'content_policy_fallbacks',
  ],
  litellm_settings: ['num_retries', 'fallbacks', 'context_window_fallbacks', 'content_policy_fallbacks'],
};
const MODEL_LIST_ENTRY_KEYS = ['model_name', 'litellm_params', 'model_info'];

/**
 * Paths of the keys a LiteLLM-format file holds that Switchboard does not use: whole sections it has
 * no counterpart for (`general_settings`), other keys of the sections it reads, and `model_list`
 * entries' keys other than the name, the `litellm_params` (all kept: a provider setting unless known)
 * and `model_info` prices. Key names only: values (secrets) are never named.
 */
export function ignoredLiteLlmKeys(root: Record<string, unknown>): string[] {
  const out: string[] = [];
  const isMapping = (v: unknown): v is Record<string, unknown> =>
    !!v && typeof v === 'object' && !Array.isArray(v);
  for (const [section, known] of Object.entries(LITELLM_SECTIONS)) {
    const value = root[section];
    if (value === undefined || value === null) continue;
    if (!known.length || !isMapping(value)) out.push(section);
    else out.push(...unknownKeys(value, known).map((k) => keyPath(section, k)));
  }
  const list = Array.isArray(root.model_list) ? (root.model_list as unknown[]) : [];
  list.forEach((entry, i) => {
    if (!isMapping(entry)) return;
    const path = `model_list[${i}]`;
    out.push(...unknownKeys(entry, MODEL_LIST_ENTRY_KEYS).map((k) => keyPath(path, k)));
    if (isMapping(entry.model_info))
      for (const k of Object.keys(entry.model_info))
        if (!isLiteLlmCostKey(k)) out.push(`${path}.model_info.${k}`);
  });
  return out;
}

export function fromLiteLlmModelList(root: Record<string, unknown>, env: Env): ModelConfig[] {
  const groups = new Map<string, ModelConfig>();
  asArray(root.model_list, 'model_list').forEach((raw, i) => {
    const path = `model_list[${i}]`;
    const entry = asObject(raw, path);
    const modelName = reqString(entry.model_name, `${path}.model_name`, env);
    const params = asObject(entry.litellm_params ?? {}, `${path}.litellm_params`);
    const target = reqString(params.model, `${path}.litellm_params.model`, env);
    const slash = target.indexOf('/');
    const prefix = slash === -1 ? 'openai' : target.slice(0, slash);
    const provider = LITELLM_PROVIDERS[prefix];
    if (!provider) throw new ConfigError(`${path}.litellm_params.model`, `unknown provider "${prefix}"`);
    const apiBase =
      optString(params.api_base ?? params.base_url, `${path}.litellm_params.api_base`, env) ??
      LITELLM_DEFAULT_BASES[prefix];
    const timeoutS = optInt(params.timeout, `${path}.litellm_params.timeout`, 1);
    const settings: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(params))
      if (!LITELLM_KNOWN.has(k) && !isLiteLlmCostKey(k)) settings[k] = v;
    if (params.api_version !== undefined) settings.api_version = params.api_version;
    const model = groups.get(modelName) ?? {
      modelName,
      deployments: [],
      fallbacks: [],
      contextWindowFallbacks: [],
      contentPolicyFallbacks: [],
      aliases: [],
      settings: {},
    };
    model.deployments.push({
      provider: servedProvider(
        provider === 'openai' && apiBase && prefix !== 'openai' ? 'openai-compatible' : provider,
        `${path}.litellm_params.model`,
      ),
      upstreamModel: slash === -1 ? target : target.slice(slash + 1),
      apiKey: optString(params.api_key, `${path}.litellm_params.api_key`, env),
      baseUrl: apiBase,
      weight: optInt(params.weight, `${path}.litellm_params.weight`, 0) ?? DEPLOYMENT_DEFAULTS.weight,
      priority: optInt(params.order, `${path}.litellm_params.order`, 0) ?? DEPLOYMENT_DEFAULTS.priority,
      rpmLimit: optInt(params.rpm, `${path}.litellm_params.rpm`, 1),
      tpmLimit: optInt(params.tpm, `${path}.litellm_params.tpm`, 1),
      connectTimeoutMs: DEPLOYMENT_DEFAULTS.connectTimeoutMs,
      timeoutMs: timeoutS ? timeoutS * 1000 : DEPLOYMENT_DEFAULTS.timeoutMs,
      streamIdleTimeoutMs: DEPLOYMENT_DEFAULTS.streamIdleTimeoutMs,
      enabled: true,
      settings,
    });
    const pricing = fromLiteLlmPricing([
      [`${path}.litellm_params`, params],
      [`${path}.model_info`, asObject(entry.model_info ?? {}, `${path}.model_info`)],
    ]);
    if (pricing) model.pricing = { ...model.pricing, ...pricing };
    groups.set(modelName, model);
  });
  applyLiteLlmFallbacks(root, groups);
  return [...groups.values()];
}

/** `litellm_settings.fallbacks: [{gpt-4: [gpt-3.5]}]` (also under router_settings). */
function applyLiteLlmFallbacks(root: Record<string, unknown>, groups: Map<string, ModelConfig>): void {
  const sources = [root.litellm_settings, root.router_settings].filter(
    (s) => s && typeof s === 'object',
  ) as Array<Record<string, unknown>>;
  const kinds: Array<[string, 'fallbacks' | 'contextWindowFallbacks' | 'contentPolicyFallbacks']> = [
    ['fallbacks', 'fallbacks'],
    ['context_window_fallbacks', 'contextWindowFallbacks'],
    ['content_policy_fallbacks', 'contentPolicyFallbacks'],
  ];
  for (const s of sources) {
    for (const [key, field] of kinds) {
      for (const item of Array.isArray(s[key]) ? (s[key] as unknown[]) : []) {
        if (!item || typeof item !== 'object') continue;
        for (const [model, list] of Object.entries(item as Record<string, unknown>)) {
          const g = groups.get(model);
          if (g && Array.isArray(list)) g[field].push(...list.map(String));
        }
      }
    }
  }
}

export function fromLiteLlmRouter(root: Record<string, unknown>): RouterConfig {
  const rs = (root.router_settings ?? {}) as Record<string, unknown>;
  const ls = (root.litellm_settings ?? {}) as Record<string, unknown>;
  const strategyName = typeof rs.routing_strategy === 'string' ? rs.routing_strategy : undefined;
  const strategy = strategyName ? STRATEGY_NAMES[strategyName] : undefined;
  if (strategyName && !strategy)
    throw new ConfigError('router_settings.routing_strategy', `unknown strategy "${strategyName}"`);
  const retries = optInt(rs.num_retries ?? ls.num_retries, 'router_settings.num_retries', 0);
  return {
    strategy: strategy ?? DEFAULT_ROUTER.strategy,
    retries: retries ?? DEFAULT_ROUTER.retries,
    cooldown: {
      failures:
        optInt(rs.allowed_fails, 'router_settings.allowed_fails', 1) ?? DEFAULT_ROUTER.cooldown.failures,
      windowSeconds: DEFAULT_ROUTER.cooldown.windowSeconds,
      cooldownSeconds:
        optInt(rs.cooldown_time, 'router_settings.cooldown_time', 1) ??
        DEFAULT_ROUTER.cooldown.cooldownSeconds,
    },
  };
}
