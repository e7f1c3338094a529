import { budgetResetAt, isBudgetDuration } from '../usage/budget-period';
import type { Team } from '../../generated/prisma/client';
import type { TeamResponse } from './dto/team.response';

/** The admin API's snake_case view of a team (contract §6). */
export function toTeamView(t: Team, spendUsd: string, now = new Date()): TeamResponse {
  return {
    id: t.id,
    name: t.name,
    max_budget_usd: t.maxBudgetUsd?.toString() ?? null,
    budget_duration: t.budgetDuration,
    rpm_limit: t.rpmLimit,
    tpm_limit: t.tpmLimit,
    allowed_models: t.allowedModels,
    metadata: t.metadata as Record<string, unknown>, // an object: validated on write, `{}` by default
    spend_usd: spendUsd,
    budget_reset_at: isBudgetDuration(t.budgetDuration)
      ? budgetResetAt(t.budgetPeriodStart, t.budgetDuration, now).toISOString()
      : null,
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
  };
}
