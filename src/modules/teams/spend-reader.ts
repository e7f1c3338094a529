import type { Prisma } from '../../generated/prisma/client';
import { currentPeriodStart, isBudgetDuration } from '../usage/budget-period';

/**
 * Current-period spend for the admin views (`spend_usd`), provided by the usage module
 * (`UsageSpendModule`: the sum of the period's usage records).
 */
export const SPEND_READER = Symbol('SPEND_READER');

export interface SpendReader {
  /**
   * USD spent by the key since `periodStart`, as a decimal string. Inside a transaction pass its
   * client: a read on the pool while the transaction holds a connection can starve the pool (every
   * connection held by a transaction waiting for one more) until the transactions time out.
   */
  keySpendUsd(keyId: string, periodStart: Date, db?: Prisma.TransactionClient): Promise<string>;
  /** USD spent by the team since `periodStart`, as a decimal string (`db`: as for keys). */
  teamSpendUsd(teamId: string, periodStart: Date, db?: Prisma.TransactionClient): Promise<string>;
}

/** Where the current budget period of a key or team began (its creation when there is no duration). */
export function spendPeriodStart(
  row: { budgetPeriodStart: Date; budgetDuration: string | null },
  now = new Date(),
): Date {
  return isBudgetDuration(row.budgetDuration)
    ? currentPeriodStart(row.budgetPeriodStart, row.budgetDuration, now)
    : row.budgetPeriodStart;
}
