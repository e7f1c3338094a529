import type { RandomSource, RoutableDeployment, Strategy } from './types';

/**
 * Weighted random permutation: the first pick is proportional to `weight`, then the next among the
 * rest, and so on (the order retries follow). Weight 0 deployments come last, in random order.
 */
export function weightedPermutation<T extends { weight: number }>(items: T[], random: RandomSource): T[] {
  if (items.length <= 1) return items.slice();
  const pool = items.slice();
  const out: T[] = [];
  while (pool.length > 0) {
    const total = pool.reduce((s, d) => s + Math.max(0, d.weight), 0);
    let idx: number;
    if (total > 0) {
      let r = random() * total;
      idx = pool.findIndex((d) => d.weight > 0 && (r -= d.weight) < 0);
      if (idx === -1) idx = lastPositive(pool);
    } else {
      idx = Math.min(pool.length - 1, Math.floor(random() * pool.length));
    }
    out.push(pool.splice(idx, 1)[0]);
  }
  return out;
}

function lastPositive<T extends { weight: number }>(pool: T[]): number {
  for (let i = pool.length - 1; i >= 0; i--) if (pool[i].weight > 0) return i;
  return pool.length - 1;
}

/** `weighted` (the default): weighted random, LiteLLM's `simple-shuffle`. */
export const weighted: Strategy = <T extends RoutableDeployment>(
  tier: T[],
  _stats: unknown,
  random: RandomSource,
) => weightedPermutation(tier, random);
