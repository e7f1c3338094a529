'use strict';
/** Tiny statistics helpers shared by the runner and its child processes. */

/** Nearest-rank percentile of an ascending-sorted array. */
function pct(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** { p50, p90, p99 } of unsorted samples (same unit as the samples). */
function summary(samples) {
  const s = Float64Array.from(samples).sort();
  return { p50: pct(s, 50), p90: pct(s, 90), p99: pct(s, 99) };
}

/** Median of the finite numbers in `values` (null if none). */
function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

module.exports = { pct, summary, median };
