import type { Prisma } from '../../../generated/prisma/client';

/** Never carries the credential: `has_api_key` only. */
export interface DeploymentWire {
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
  connect_timeout_ms: number;
  timeout_ms: number;
  stream_idle_timeout_ms: number;
  enabled: boolean;
  source: string;
  settings: unknown;
  created_at: string;
  updated_at: string;
}

export function toDeploymentWire(d: Prisma.DeploymentGetPayload<object>): DeploymentWire {
  return {
    id: d.id,
    model_name: d.modelName,
    provider: d.provider,
    upstream_model: d.upstreamModel,
    base_url: d.baseUrl,
    has_api_key: d.apiKeyEnc !== null,
    weight: d.weight,
    priority: d.priority,
    rpm_limit: d.rpmLimit,
    tpm_limit: d.tpmLimit,
    connect_timeout_ms: d.connectTimeoutMs,
    timeout_ms: d.timeoutMs,
    stream_idle_timeout_ms: d.streamIdleTimeoutMs,
    enabled: d.enabled,
    source: d.source,
    settings: d.settings,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
  };
}
