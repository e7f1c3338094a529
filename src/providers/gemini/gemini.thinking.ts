import type { ReasoningEffort, ReasoningOptions } from '../core/canonical';
import { invalidParam } from './gemini.errors';
import type { GeminiThinkingConfig } from './gemini.wire';

/**
 * Reasoning controls → Gemini `thinkingConfig`, as DATA (contract §4, §9.12, §9.19; LiteLLM's tables).
 *
 * The family is decided by the deployment's `upstreamModel`; a deployment may override it and any
 * table entry with `settings.thinking` (catalog / YAML deployment settings):
 *
 * ```yaml
 * settings:
 *   thinking:
 *     family: gemini-2.5-flash        # gemini-2.5-flash | gemini-2.5-pro | gemini-3 | no-thinking
 *     efforts:                        # merged over the family's table, per effort
 *       medium: { thinkingBudget: 8192, includeThoughts: true }
 *       none: null                    # null: refuse this effort with a 400
 *     defaultTemperature: null        # number, or null for "send none" (Gemini 3 default is 1.0)
 *     allowBudgetZero: true           # may thinking.budget_tokens be 0 (thinking off)?
 * ```
 *
 * The `-nothink` model suffix is resolved by the router and arrives here as `reasoning.effort: 'none'`.
 */
export type GeminiThinkingFamily = 'gemini-2.5-flash' | 'gemini-2.5-pro' | 'gemini-3' | 'no-thinking';

/** What one effort becomes; `null` means the model cannot honour it (→ 400 naming `reasoning_effort`). */
export type ThinkingEntry = GeminiThinkingConfig | null;

export interface ThinkingTable {
  family: GeminiThinkingFamily;
  /** The model thinks at all (explicit budgets and include_thoughts are refused otherwise). */
  supportsThinking: boolean;
  /** `thinking.budget_tokens: 0` turns thinking off; refused where thinking cannot be disabled. */
  allowBudgetZero: boolean;
  efforts: Record<ReasoningEffort, ThinkingEntry>;
  /** Temperature sent when the client sent none. */
  defaultTemperature?: number;
}

const budget = (thinkingBudget: number): GeminiThinkingConfig => ({ thinkingBudget, includeThoughts: true });
const level = (thinkingLevel: string, includeThoughts = true): GeminiThinkingConfig => ({
  thinkingLevel,
  includeThoughts,
});

export const GEMINI_THINKING_TABLES: Readonly<Record<GeminiThinkingFamily, ThinkingTable>> = {
  'gemini-2.5-flash': {
    family: 'gemini-2.5-flash',
    supportsThinking: true,
    allowBudgetZero: true,
    efforts: {
      none: { thinkingBudget: 0, includeThoughts: false },
      disable: { thinkingBudget: 0, includeThoughts: false },
      minimal: budget(1024),
      low: budget(1024),
      medium: budget(2048),
      high: budget(4096),
    },
  },
  'gemini-2.5-pro': {
    family: 'gemini-2.5-pro',
    supportsThinking: true,
    allowBudgetZero: false,
    efforts: {
      none: { includeThoughts: false },
      disable: { includeThoughts: false },
      minimal: budget(1024),
      low: budget(1024),
      medium: budget(2048),
      high: budget(4096),
    },
  },
  'gemini-3': {
    family: 'gemini-3',
    supportsThinking: true,
    allowBudgetZero: false,
    efforts: {
      none: level('low', false),
      disable: level('low', false),
      minimal: level('low'),
      low: level('low'),
      medium: level('high'),
      high: level('high'),
    },
    defaultTemperature: 1.0,
  },
  'no-thinking': {
    family: 'no-thinking',
    supportsThinking: false,
    allowBudgetZero: true,
    efforts: { none: {}, disable: {}, minimal: null, low: null, medium: null, high: null },
  },
};

const FAMILIES = Object.keys(GEMINI_THINKING_TABLES) as GeminiThinkingFamily[];
const EFFORTS: ReasoningEffort[] = ['none', 'disable', 'minimal', 'low', 'medium', 'high'];

/** Strips a `models/` prefix; the Gemini API path and the family rules use the bare id. */
export function bareModelId(upstreamModel: string): string {
  return upstreamModel.replace(/^models\//, '');
}

/** Gemini ≥ 3 ("gemini-3-pro-preview", "gemini-3.1-flash…"), by the upstream model id. */
export function geminiMajorVersion(upstreamModel: string): number | undefined {
  const m = /gemini-(\d+)(?:\.\d+)?-/.exec(bareModelId(upstreamModel).toLowerCase() + '-');
  return m ? Number(m[1]) : undefined;
}

export function geminiThinkingFamily(upstreamModel: string): GeminiThinkingFamily {
  const id = bareModelId(upstreamModel).toLowerCase();
  if ((geminiMajorVersion(id) ?? 0) >= 3) return 'gemini-3';
  if (id.includes('gemini-2.5-pro') || id === 'gemini-pro-latest') return 'gemini-2.5-pro';
  if (id.includes('gemini-2.5-flash') || /^gemini-flash(-lite)?-latest$/.test(id) || id.includes('thinking'))
    return 'gemini-2.5-flash';
  return 'no-thinking';
}

/** The family table for a deployment, with its `settings.thinking` override merged in. */
export function resolveThinkingTable(
  upstreamModel: string,
  settings: Record<string, unknown> | undefined,
): ThinkingTable {
  const override = asRecord(settings?.thinking);
  const family = FAMILIES.includes(override?.family as GeminiThinkingFamily)
    ? (override?.family as GeminiThinkingFamily)
    : geminiThinkingFamily(upstreamModel);
  const base = GEMINI_THINKING_TABLES[family];
  if (!override) return base;
  const efforts = { ...base.efforts };
  const overrideEfforts = asRecord(override.efforts) ?? {};
  for (const effort of EFFORTS) {
    if (!(effort in overrideEfforts)) continue;
    const entry = overrideEfforts[effort];
    if (entry === null) efforts[effort] = null;
    else if (asRecord(entry)) efforts[effort] = pickThinkingConfig(entry as Record<string, unknown>);
  }
  const table: ThinkingTable = { ...base, efforts };
  if (override.defaultTemperature === null) delete table.defaultTemperature;
  else if (typeof override.defaultTemperature === 'number')
    table.defaultTemperature = override.defaultTemperature;
  if (typeof override.allowBudgetZero === 'boolean') table.allowBudgetZero = override.allowBudgetZero;
  return table;
}

/**
 * Canonical reasoning options → `thinkingConfig` (undefined: send none). `reasoning_effort` and an
 * explicit budget are mutually exclusive (Gemini refuses `thinkingLevel` with `thinkingBudget`).
 */
export function toGeminiThinkingConfig(
  reasoning: ReasoningOptions | undefined,
  table: ThinkingTable,
): GeminiThinkingConfig | undefined {
  if (!reasoning) return undefined;
  const { effort, budgetTokens, enabled, includeThoughts } = reasoning;
  if (effort !== undefined && budgetTokens !== undefined) {
    throw invalidParam(
      'reasoning_effort',
      'reasoning_effort and thinking.budget_tokens are mutually exclusive',
    );
  }
  let config: GeminiThinkingConfig = {};
  if (effort !== undefined) {
    const entry = table.efforts[effort];
    if (!entry)
      throw invalidParam(
        'reasoning_effort',
        `reasoning_effort "${effort}" is not supported by this model (${table.family})`,
      );
    config = { ...entry };
  } else if (budgetTokens !== undefined && enabled !== false) {
    if (!table.supportsThinking)
      throw invalidParam('thinking.budget_tokens', `this model does not think (${table.family})`);
    if (budgetTokens === 0 && !table.allowBudgetZero) {
      throw invalidParam(
        'thinking.budget_tokens',
        `thinking cannot be turned off on this model (${table.family})`,
      );
    }
    config = { thinkingBudget: budgetTokens, includeThoughts: budgetTokens !== 0 };
  } else if (enabled === false) {
    const entry = table.efforts.disable;
    if (!entry) throw invalidParam('thinking', `thinking cannot be disabled on this model (${table.family})`);
    config = { ...entry };
  } else if (enabled === true) {
    if (!table.supportsThinking)
      throw invalidParam('thinking', `this model does not think (${table.family})`);
    config = { includeThoughts: true };
  }
  if (includeThoughts !== undefined) {
    if (includeThoughts && !table.supportsThinking)
      throw invalidParam('include_thoughts', `this model does not think (${table.family})`);
    config.includeThoughts = includeThoughts;
  }
  return Object.keys(config).length > 0 ? config : undefined;
}

function pickThinkingConfig(raw: Record<string, unknown>): GeminiThinkingConfig {
  const out: GeminiThinkingConfig = {};
  if (typeof raw.thinkingBudget === 'number') out.thinkingBudget = raw.thinkingBudget;
  if (typeof raw.thinkingLevel === 'string') out.thinkingLevel = raw.thinkingLevel;
  if (typeof raw.includeThoughts === 'boolean') out.includeThoughts = raw.includeThoughts;
  return out;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
