/** The admin API's answers the console reads (see /docs-json). Money and decimals are strings. */

export type Role = 'admin' | 'team_admin' | 'member';

export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** `GET /v1/key`: who is signed in (the master key answers with id null, role admin). */
export interface Me {
  id: string | null;
  name: string | null;
  role: Role;
  team_id: string | null;
}

export interface Limits {
  max_budget_usd: string | null;
  budget_duration: string | null;
  rpm_limit: number | null;
  tpm_limit: number | null;
  allowed_models: string[];
  metadata: Record<string, unknown>;
  spend_usd: string;
  budget_reset_at: string | null;
}

export interface Team extends Limits {
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
}

export interface Key extends Limits {
  id: string;
  name: string | null;
  key_prefix: string;
  team_id: string | null;
  role: Role;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  previous_key_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface KeyWithSecrets extends Key {
  key: string;
  webhook_secret: string;
}

export interface UsageTotals {
  requests: number;
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  cached_tokens: number;
  video_seconds: string;
  cost_usd: string;
}

export interface UsageRow extends UsageTotals {
  day?: string | null;
  model?: string | null;
  key_id?: string | null;
  team_id?: string | null;
  provider?: string | null;
}

export interface UsageSummary {
  data: UsageRow[];
  totals: UsageTotals;
}

export interface UsageLog {
  id: string;
  request_id: string;
  created_at: string;
  key_id: string | null;
  team_id: string | null;
  model: string;
  deployment_id: string | null;
  provider: string | null;
  upstream_model: string | null;
  endpoint: string;
  status_code: number;
  error_type: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  reasoning_tokens: number;
  cached_tokens: number;
  images: number;
  audio_seconds: string;
  video_seconds: string;
  cost_usd: string;
  latency_ms: number;
  ttft_ms: number | null;
  stream: boolean;
  estimated: boolean;
}

export interface Deployment {
  id: string;
  model_name: string;
  provider: string;
  upstream_model: string;
  base_url: string | null;
  has_api_key: boolean;
  weight: number;
  priority: number;
  rpm_limit: number | null;
  tpm_limit: number | null;
  timeout_ms: number;
  enabled: boolean;
  source: string;
  created_at: string;
  updated_at: string;
}

export interface Model {
  name: string;
  source: string;
  wildcard: boolean;
  aliases: string[];
  fallbacks: string[];
  context_window_fallbacks: string[];
  content_policy_fallbacks: string[];
  pricing: Record<string, unknown>;
  pricing_overrides: Record<string, unknown>;
  deployments: Deployment[];
}

export interface VideoTask {
  id: string;
  status: string;
  progress: number;
  model: string;
  provider: string;
  dialect: string;
  key_id: string | null;
  team_id: string | null;
  seconds: string | null;
  resolution: string | null;
  settlement: string;
  reserved_usd: string;
  cost_usd: string | null;
  error: { code: string; message: string } | null;
  created_at: string;
  completed_at: string | null;
}

export interface AuditEntry {
  id: string;
  created_at: string;
  actor: { type: string; key_id: string | null };
  action: string;
  target_type: string;
  target_id: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  request_id: string | null;
}
