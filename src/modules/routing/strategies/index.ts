import type { RouterStrategy } from '../../../config/config.types';
import { leastBusy } from './least-busy';
import { lowestLatency } from './lowest-latency';
import type { RandomSource, RoutableDeployment, StatsLookup, Strategy } from './types';
import { usageBased } from './usage-based';
import { weighted } from './weighted';

export * from './types';
export { weightedPermutation } from './weighted';
export { utilisation } from './usage-based';

export const STRATEGIES: Record<RouterStrategy, Strategy> = {
  weighted,
  'least-busy': leastBusy,
  'lowest-latency': lowestLatency,
  'usage-based': usageBased,
};

/**
 * Priority tiers on top of any strategy: lower `priority` values first, and within a tier the
 * strategy's order. A lower tier is reached only after every deployment of the higher ones.
 */
export function orderByStrategy<T extends RoutableDeployment>(
  strategy: RouterStrategy,
  deployments: T[],
  stats: StatsLookup,
  random: RandomSource,
): T[] {
  const tiers = new Map<number, T[]>();
  for (const d of deployments) {
    const tier = tiers.get(d.priority);
    if (tier) tier.push(d);
    else tiers.set(d.priority, [d]);
  }
  const order = STRATEGIES[strategy];
  const out: T[] = [];
  for (const p of [...tiers.keys()].sort((a, b) => a - b)) out.push(...order(tiers.get(p)!, stats, random));
  return out;
}
