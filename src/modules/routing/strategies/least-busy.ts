import type { RandomSource, RoutableDeployment, StatsLookup, Strategy } from './types';
import { weightedPermutation } from './weighted';

/**
 * `least-busy`: fewest requests in flight first. Ties keep a weighted random order, so equally idle
 * deployments share the load by weight. In-flight counts are per replica.
 */
export const leastBusy: Strategy = <T extends RoutableDeployment>(
  tier: T[],
  stats: StatsLookup,
  random: RandomSource,
) => {
  const shuffled = weightedPermutation(tier, random);
  // Array.prototype.sort is stable: ties keep the weighted random order.
  return shuffled.sort((a, b) => stats(a.id).inFlight - stats(b.id).inFlight);
};
