import { currentPeriodStart, isBudgetDuration } from '../usage/budget-period';

/**
 * Current-period spend for the admin views (`spend_usd`), provided by the usage module
 * (`UsageSpendModule`: the sum of the period's usage records).
 */
export const SPEND_READER = Symbol('SPEND_READER');

export interface SpendReader {
  /** USD spent by the key since `periodStart`, as a decimal string. */
  keySpendUsd(keyId: string, periodStart: Date): Promise<string>;
  /** USD spent by the team since `periodStart`, as a decimal string. */
  teamSpendUsd(teamId: string, periodStart: Date): Promise<string>;
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
