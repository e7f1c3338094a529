/** Budget period lengths (contract §6). `1mo` is the same day of the next calendar month, UTC. */
export const BUDGET_DURATIONS = ['1h', '1d', '7d', '30d', '1mo'] as const;
export type BudgetDuration = (typeof BUDGET_DURATIONS)[number];

const FIXED_MS: Record<Exclude<BudgetDuration, '1mo'>, number> = {
  '1h': 3_600_000,
  '1d': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

export function isBudgetDuration(value: unknown): value is BudgetDuration {
  return typeof value === 'string' && (BUDGET_DURATIONS as readonly string[]).includes(value);
}

/**
 * The start of the `n`-th period after `start`. Months are counted from the original start, so a
 * period that starts on the 31st resets on the last day of shorter months and returns to the 31st.
 */
export function periodBoundary(start: Date, duration: BudgetDuration, n: number): Date {
  if (duration !== '1mo') return new Date(start.getTime() + n * FIXED_MS[duration]);
  const y = start.getUTCFullYear();
  const m = start.getUTCMonth() + n;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const day = Math.min(start.getUTCDate(), lastDay);
  return new Date(
    Date.UTC(
      y,
      m,
      day,
      start.getUTCHours(),
      start.getUTCMinutes(),
      start.getUTCSeconds(),
      start.getUTCMilliseconds(),
    ),
  );
}

/** Which period `now` falls in: the index `n` with boundary(n) ≤ now < boundary(n + 1) (0 before the start). */
function periodIndex(start: Date, duration: BudgetDuration, now: Date): number {
  const elapsed = now.getTime() - start.getTime();
  if (elapsed < 0) return 0;
  if (duration !== '1mo') return Math.floor(elapsed / FIXED_MS[duration]);
  let n = (now.getUTCFullYear() - start.getUTCFullYear()) * 12 + (now.getUTCMonth() - start.getUTCMonth());
  while (n > 0 && periodBoundary(start, duration, n) > now) n--;
  while (periodBoundary(start, duration, n + 1) <= now) n++;
  return n;
}

/** The start of the period that contains `now` (spend is summed from here). */
export function currentPeriodStart(start: Date, duration: BudgetDuration, now: Date = new Date()): Date {
  return periodBoundary(start, duration, periodIndex(start, duration, now));
}

/** `budget_reset_at`: the next boundary strictly after `now`. */
export function budgetResetAt(start: Date, duration: BudgetDuration, now: Date = new Date()): Date {
  return periodBoundary(start, duration, periodIndex(start, duration, now) + 1);
}
