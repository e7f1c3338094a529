const DAY_MS = 86_400_000;

/** How far back a logs page looks first, widening until the page is full: 1, 8, 64 days, then all. */
const WINDOW_DAYS = [1, 8, 64];

/**
 * The lower bounds of the successive tries for one logs page, newest first; the last is undefined (no
 * bound but the caller's `from`). A page of a filter that matches often is full within the first day,
 * whatever the table's size; without a bound Postgres would collect every match of a key or a model
 * over all time before sorting (seconds at 100 million records, bench/usage-scale.js). A try that
 * comes back short is repeated wider, so the page is the same as one unbounded query's.
 */
export function logWindowStarts(anchor: Date, from: Date | undefined): Array<Date | undefined> {
  const starts: Array<Date | undefined> = [];
  for (const days of WINDOW_DAYS) {
    const start = new Date(anchor.getTime() - days * DAY_MS);
    if (from && start.getTime() <= from.getTime()) break;
    starts.push(start);
  }
  starts.push(undefined);
  return starts;
}
