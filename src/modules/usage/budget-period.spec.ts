import { budgetResetAt, currentPeriodStart, isBudgetDuration, periodBoundary } from './budget-period';

const d = (iso: string) => new Date(iso);

describe('budget periods', () => {
  it('rolls fixed durations forward from the start', () => {
    const start = d('2025-01-01T10:30:00.000Z');
    expect(budgetResetAt(start, '1h', d('2025-01-01T10:30:00.000Z')).toISOString()).toBe(
      '2025-01-01T11:30:00.000Z',
    );
    expect(budgetResetAt(start, '1h', d('2025-01-01T13:45:00.000Z')).toISOString()).toBe(
      '2025-01-01T14:30:00.000Z',
    );
    expect(budgetResetAt(start, '1d', d('2025-01-05T10:29:59.999Z')).toISOString()).toBe(
      '2025-01-05T10:30:00.000Z',
    );
    expect(budgetResetAt(start, '1d', d('2025-01-05T10:30:00.000Z')).toISOString()).toBe(
      '2025-01-06T10:30:00.000Z',
    );
    expect(budgetResetAt(start, '7d', d('2025-01-20T00:00:00.000Z')).toISOString()).toBe(
      '2025-01-22T10:30:00.000Z',
    );
    expect(budgetResetAt(start, '30d', d('2025-01-20T00:00:00.000Z')).toISOString()).toBe(
      '2025-01-31T10:30:00.000Z',
    );
  });

  it('1mo is the same day of the next calendar month, UTC', () => {
    const start = d('2025-01-15T08:00:00.000Z');
    expect(budgetResetAt(start, '1mo', d('2025-01-20T00:00:00.000Z')).toISOString()).toBe(
      '2025-02-15T08:00:00.000Z',
    );
    expect(budgetResetAt(start, '1mo', d('2025-02-15T08:00:00.000Z')).toISOString()).toBe(
      '2025-03-15T08:00:00.000Z',
    );
    expect(budgetResetAt(start, '1mo', d('2025-12-31T00:00:00.000Z')).toISOString()).toBe(
      '2026-01-15T08:00:00.000Z',
    );
    expect(currentPeriodStart(start, '1mo', d('2025-03-01T00:00:00.000Z')).toISOString()).toBe(
      '2025-02-15T08:00:00.000Z',
    );
  });

  it('clamps the 31st to the end of shorter months without drifting', () => {
    const start = d('2025-01-31T00:00:00.000Z');
    expect(periodBoundary(start, '1mo', 1).toISOString()).toBe('2025-02-28T00:00:00.000Z');
    expect(periodBoundary(start, '1mo', 2).toISOString()).toBe('2025-03-31T00:00:00.000Z');
    expect(budgetResetAt(start, '1mo', d('2025-02-28T00:00:00.000Z')).toISOString()).toBe(
      '2025-03-31T00:00:00.000Z',
    );
    expect(
      budgetResetAt(d('2024-01-31T00:00:00.000Z'), '1mo', d('2024-02-10T00:00:00.000Z')).toISOString(),
    ).toBe('2024-02-29T00:00:00.000Z');
  });

  it('before the start, the first boundary is the reset', () => {
    const start = d('2025-06-01T00:00:00.000Z');
    expect(budgetResetAt(start, '1d', d('2025-05-01T00:00:00.000Z')).toISOString()).toBe(
      '2025-06-02T00:00:00.000Z',
    );
    expect(currentPeriodStart(start, '1d', d('2025-05-01T00:00:00.000Z')).toISOString()).toBe(
      '2025-06-01T00:00:00.000Z',
    );
  });

  it('recognises durations', () => {
    expect(isBudgetDuration('1mo')).toBe(true);
    expect(isBudgetDuration('2d')).toBe(false);
  });
});
