import type { BudgetDuration } from '../usage/budget-period';

export type KeyRole = 'admin' | 'team_admin' | 'member';
export const KEY_ROLES: readonly KeyRole[] = ['admin', 'team_admin', 'member'];

/** Budget and rate-limit settings of a key or a team, as stored (enforced by the limits/metering module). */
export interface LimitSettings {
  /** Decimal string (USD); undefined = no budget. */
  maxBudgetUsd?: string;
  budgetDuration?: BudgetDuration;
  /** When the first budget period started (creation); see `usage/budget-period.ts`. */
  budgetPeriodStart: Date;
  rpmLimit?: number;
  tpmLimit?: number;
}

/** Who is calling. The master key is an admin with no team, budget or limits. */
export interface Identity {
  kind: 'master' | 'key';
  keyId?: string;
  teamId?: string;
  role: KeyRole;
  /** Effective allow-list (key ∩ team); empty means every model. */
  allowedModels: string[];
  /** The key's own budget and limits (absent for the master key). */
  keyLimits?: LimitSettings;
  /** The key's team's budget and limits (absent when the key has no team). */
  teamLimits?: LimitSettings;
  /** When the key stops working (absent: never). */
  expiresAt?: Date;
}

export const MASTER_IDENTITY: Identity = { kind: 'master', role: 'admin', allowedModels: [] };
