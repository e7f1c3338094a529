import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { ProviderId } from '../providers/core/adapter';
import { ConfigError } from './config-error';
import {
  DEFAULT_ROUTER,
  DEPLOYMENT_DEFAULTS,
  type DeploymentConfig,
  type LongContextPricing,
  type ModelConfig,
  type PricingInput,
  type RouterConfig,
  type RouterStrategy,
} from './config.types';
import { keyPath, rejectUnknownKeys, unknownKeys, type KeyLevel } from './known-keys';
import {
  fromLiteLlmModelList,
  fromLiteLlmRouter,
  ignoredLiteLlmKeys,
  LITELLM_ROOT_KEYS,
} from './litellm-config';
import { LONG_CONTEXT_FIELDS } from '../modules/usage/pricing/long-context';
import {
  asArray,
  asObject,
  decimalText,
  optBool,
  optInt,
  optString,
  reqString,
  servedProvider,
  stringList,
} from './yaml-values';

type Env = Record<string, string | undefined>;

const STRATEGIES: RouterStrategy[] = ['weighted', 'least-busy', 'lowest-latency', 'usage-based'];
/** The price fields holding one decimal; `per_video_second_by_resolution` and `long_context` are objects. */
const PRICING_FIELDS: string[] = [
  'input_per_mtok',
  'output_per_mtok',
  'cached_input_per_mtok',
  'cache_write_per_mtok',
  'cache_write_1h_per_mtok',
  'cache_storage_per_mtok_hour',
  'reasoning_per_mtok',
  'audio_input_per_mtok',
  'cached_audio_input_per_mtok',
  'audio_output_per_mtok',
  'per_image',
  'per_video_second',
  'per_audio_second',
  'per_request',
];

/** The keys each mapping of Switchboard's own format holds (`settings` mappings are free-form). */
const ROOT: KeyLevel = { keys: ['models', 'router', ...LITELLM_ROOT_KEYS] };
const MODEL: KeyLevel = {
  keys: [
    'model_name',
    'deployments',
    'pricing',
    'fallbacks',
    'context_window_fallbacks',
    'content_policy_fallbacks',
    'aliases',
    'settings',
  ],
  parent: { path: '', level: ROOT },
};
const DEPLOYMENT_KEYS = [
  'provider',
  'upstream_model',
  'api_key',
  'base_url',
  'weight',
  'priority',
  'rpm_limit',
  'tpm_limit',
  'connect_timeout_ms',
  'timeout_ms',
  'stream_idle_timeout_ms',
  'enabled',
  'settings',
];
const ROUTER: KeyLevel = { keys: ['strategy', 'retries', 'cooldown'], parent: { path: '', level: ROOT } };
const COOLDOWN_KEYS = ['failures', 'window_seconds', 'cooldown_seconds'];

export interface YamlConfig {
  models: ModelConfig[];
  router: RouterConfig;
  /**
   * Keys of a LiteLLM-format file Switchboard does not use (`general_settings`, `model_info.mode`…),
   * by path: logged at boot as ignored. An unknown key of Switchboard's own format stops the boot.
   */
  ignoredYamlKeys: string[];
}

export function loadYamlFile(file: string, env: Env): YamlConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError('SWITCHBOARD_CONFIG', `cannot read ${file}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new ConfigError('SWITCHBOARD_CONFIG', `${file} is not valid YAML: ${(err as Error).message}`);
  }
  return parseYamlConfig(doc ?? {}, env);
}

/** Validates a parsed YAML document (Switchboard's own `models:` or LiteLLM's `model_list:`). */
export function parseYamlConfig(doc: unknown, env: Env): YamlConfig {
  const root = asObject(doc, '(root)');
  const liteLlm = LITELLM_ROOT_KEYS.some((k) => Object.hasOwn(root, k));
  const ignoredYamlKeys = liteLlm ? [...unknownKeys(root, ROOT.keys), ...ignoredLiteLlmKeys(root)] : [];
  if (!liteLlm) rejectUnknownKeys(root, '', ROOT);
  const models = asArray(root.models, 'models').map((m, i) => parseModel(m, `models[${i}]`, env));
  models.push(...fromLiteLlmModelList(root, env));
  const routerRaw = root.router !== undefined ? parseRouter(root.router, 'router') : fromLiteLlmRouter(root);
  const merged = new Map<string, ModelConfig>();
  for (const m of models) {
    const existing = merged.get(m.modelName);
    if (existing) existing.deployments.push(...m.deployments);
    else merged.set(m.modelName, m);
  }
  return { models: [...merged.values()], router: routerRaw, ignoredYamlKeys };
}

function parseModel(raw: unknown, path: string, env: Env): ModelConfig {
  const m = asObject(raw, path);
  rejectUnknownKeys(m, path, MODEL);
  const modelName = reqString(m.model_name, `${path}.model_name`, env);
  return {
    modelName,
    deployments: asArray(m.deployments, `${path}.deployments`).map((d, i) => {
      const deployment = asObject(d, `${path}.deployments[${i}]`);
      rejectUnknownKeys(deployment, `${path}.deployments[${i}]`, {
        keys: DEPLOYMENT_KEYS,
        parent: { path, level: MODEL },
      });
      return parseDeployment(deployment, `${path}.deployments[${i}]`, env);
    }),
    pricing: m.pricing === undefined ? undefined : parsePricing(m.pricing, `${path}.pricing`),
    fallbacks: stringList(m.fallbacks, `${path}.fallbacks`, env),
    contextWindowFallbacks: stringList(m.context_window_fallbacks, `${path}.context_window_fallbacks`, env),
    contentPolicyFallbacks: stringList(m.content_policy_fallbacks, `${path}.content_policy_fallbacks`, env),
    aliases: stringList(m.aliases, `${path}.aliases`, env),
    settings: m.settings === undefined ? {} : asObject(m.settings, `${path}.settings`),
  };
}

export function parseProvider(v: unknown, path: string, env: Env): ProviderId {
  return servedProvider(reqString(v, path, env), path);
}

export function parseDeployment(raw: unknown, path: string, env: Env): DeploymentConfig {
  const d = asObject(raw, path);
  const baseUrl = optString(d.base_url, `${path}.base_url`, env);
  if (baseUrl !== undefined) {
    try {
      new URL(baseUrl);
    } catch {
      throw new ConfigError(`${path}.base_url`, `is not a valid URL: "${baseUrl}"`);
    }
  }
  return {
    provider: parseProvider(d.provider, `${path}.provider`, env),
    upstreamModel: reqString(d.upstream_model, `${path}.upstream_model`, env),
    apiKey: optString(d.api_key, `${path}.api_key`, env),
    baseUrl,
    weight: optInt(d.weight, `${path}.weight`, 0) ?? DEPLOYMENT_DEFAULTS.weight,
    priority: optInt(d.priority, `${path}.priority`, 0) ?? DEPLOYMENT_DEFAULTS.priority,
    rpmLimit: optInt(d.rpm_limit, `${path}.rpm_limit`, 1),
    tpmLimit: optInt(d.tpm_limit, `${path}.tpm_limit`, 1),
    connectTimeoutMs:
      optInt(d.connect_timeout_ms, `${path}.connect_timeout_ms`, 1) ?? DEPLOYMENT_DEFAULTS.connectTimeoutMs,
    timeoutMs: optInt(d.timeout_ms, `${path}.timeout_ms`, 1) ?? DEPLOYMENT_DEFAULTS.timeoutMs,
    streamIdleTimeoutMs:
      optInt(d.stream_idle_timeout_ms, `${path}.stream_idle_timeout_ms`, 1) ??
      DEPLOYMENT_DEFAULTS.streamIdleTimeoutMs,
    enabled: optBool(d.enabled, `${path}.enabled`) ?? true,
    settings: d.settings === undefined ? {} : asObject(d.settings, `${path}.settings`),
  };
}

export function parsePricing(raw: unknown, path: string): PricingInput {
  const p = asObject(raw, path);
  const out: PricingInput = {};
  for (const [k, v] of Object.entries(p)) {
    if (k === 'per_video_second_by_resolution') {
      const byRes = asObject(v, `${path}.${k}`);
      out[k] = Object.fromEntries(
        Object.entries(byRes).map(([res, price]) => [res, decimalText(price, `${path}.${k}.${res}`)]),
      );
    } else if (k === 'long_context') {
      out.long_context = parseLongContext(v, `${path}.${k}`);
    } else if (PRICING_FIELDS.includes(k)) {
      out[k] = decimalText(v, `${path}.${k}`);
    } else {
      throw new ConfigError(
        `${path}.${k}`,
        `unknown pricing field (known: ${[...PRICING_FIELDS, 'per_video_second_by_resolution', 'long_context'].join(', ')})`,
      );
    }
  }
  return out;
}

/** `long_context: {threshold_tokens, input_per_mtok, output_per_mtok?, cached_input_per_mtok?}`. */
function parseLongContext(raw: unknown, path: string): LongContextPricing {
  const lc = asObject(raw, path);
  for (const k of Object.keys(lc))
    if (!(LONG_CONTEXT_FIELDS as readonly string[]).includes(k))
      throw new ConfigError(`${path}.${k}`, `unknown field (known: ${LONG_CONTEXT_FIELDS.join(', ')})`);
  for (const k of ['threshold_tokens', 'input_per_mtok'])
    if (lc[k] === undefined || lc[k] === null) throw new ConfigError(`${path}.${k}`, 'is required');
  const out: LongContextPricing = {
    threshold_tokens: String(optInt(lc.threshold_tokens, `${path}.threshold_tokens`, 1)),
    input_per_mtok: decimalText(lc.input_per_mtok, `${path}.input_per_mtok`),
  };
  for (const k of ['output_per_mtok', 'cached_input_per_mtok'] as const)
    if (lc[k] !== undefined) out[k] = decimalText(lc[k], `${path}.${k}`);
  return out;
}

export function parseRouter(raw: unknown, path: string): RouterConfig {
  const r = asObject(raw, path);
  rejectUnknownKeys(r, path, ROUTER);
  const strategy = r.strategy ?? DEFAULT_ROUTER.strategy;
  if (!STRATEGIES.includes(strategy as RouterStrategy))
    throw new ConfigError(`${path}.strategy`, `must be one of ${STRATEGIES.join(', ')}`);
  const c = r.cooldown === undefined ? {} : asObject(r.cooldown, `${path}.cooldown`);
  rejectUnknownKeys(c, keyPath(path, 'cooldown'), {
    keys: COOLDOWN_KEYS,
    name: 'cooldown',
    parent: { path, level: ROUTER },
  });
  return {
    strategy: strategy as RouterStrategy,
    retries: optInt(r.retries, `${path}.retries`, 0) ?? DEFAULT_ROUTER.retries,
    cooldown: {
      failures: optInt(c.failures, `${path}.cooldown.failures`, 1) ?? DEFAULT_ROUTER.cooldown.failures,
      windowSeconds:
        optInt(c.window_seconds, `${path}.cooldown.window_seconds`, 1) ??
        DEFAULT_ROUTER.cooldown.windowSeconds,
      cooldownSeconds:
        optInt(c.cooldown_seconds, `${path}.cooldown.cooldown_seconds`, 1) ??
        DEFAULT_ROUTER.cooldown.cooldownSeconds,
    },
  };
}
