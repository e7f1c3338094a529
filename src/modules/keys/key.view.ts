import type { ApiKey } from '../../generated/prisma/client';
import type { KeyResponse, MasterKeyResponse } from './dto/key.response';
import { budgetResetAt, isBudgetDuration } from '../usage/budget-period';

/** The admin API's snake_case view of a key (also `GET /v1/key`): never a hash or secret. */
export function toKeyView(k: ApiKey, spendUsd: string, now = new Date()): KeyResponse {
  return {
    id: k.id,
    name: k.name,
    key_prefix: k.keyPrefix,
    team_id: k.teamId,
    role: k.role,
    allowed_models: k.allowedModels,
    max_budget_usd: k.maxBudgetUsd?.toString() ?? null,
    budget_duration: k.budgetDuration,
    rpm_limit: k.rpmLimit,
    tpm_limit: k.tpmLimit,
    expires_at: k.expiresAt?.toISOString() ?? null,
    metadata: k.metadata as Record<string, unknown>, // an object: validated on write, `{}` by default
    spend_usd: spendUsd,
    budget_reset_at: isBudgetDuration(k.budgetDuration)
      ? budgetResetAt(k.budgetPeriodStart, k.budgetDuration, now).toISOString()
      : null,
    last_used_at: k.lastUsedAt?.toISOString() ?? null,
    revoked_at: k.revokedAt?.toISOString() ?? null,
    previous_key_expires_at:
      k.previousKeyHash && k.previousKeyExpiresAt ? k.previousKeyExpiresAt.toISOString() : null,
    created_at: k.createdAt.toISOString(),
    updated_at: k.updatedAt.toISOString(),
  };
}

/** The master key's `GET /v1/key` view: an admin with no record, team or limits. */
export const MASTER_KEY_VIEW: MasterKeyResponse = {
  id: null,
  name: 'master',
  key_prefix: null,
  team_id: null,
  role: 'admin',
  allowed_models: [],
  spend_usd: '0',
};
