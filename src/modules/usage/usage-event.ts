import type { Usage } from '../../providers/core/canonical';

/** One metered request (contract §7). `id` is the gateway's own id: writes are idempotent on it. */
export interface UsageEvent {
  id: string;
  requestId: string;
  createdAt: Date;
  keyId?: string;
  teamId?: string;
  model: string;
  deploymentId?: string;
  provider?: string;
  upstreamModel?: string;
  endpoint: string;
  statusCode: number;
  errorType?: string;
  usage?: Usage;
  images?: number;
  audioSeconds?: string;
  videoSeconds?: string;
  /** Decimal string, USD. */
  costUsd: string;
  latencyMs: number;
  ttftMs?: number;
  stream: boolean;
}
