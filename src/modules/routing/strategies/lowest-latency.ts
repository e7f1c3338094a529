import type { RandomSource, RoutableDeployment, StatsLookup, Strategy } from './types';
import { weightedPermutation } from './weighted';

/** Share of requests that explore a random non-best deployment, so a recovered one is noticed. */
export const EXPLORATION_RATE = 0.1;
/** Deployments within this factor of the best average count as equally fast (LiteLLM's buffer). */
export const LATENCY_BUFFER = 0.1;

/**
 * `lowest-latency`: the lowest moving average of time to first byte first. Deployments never sampled
 * go first (they must be measured); deployments within 10% of the best are shuffled by weight; with
 * probability 0.1 a random other deployment is tried first (exploration). Per replica.
 */
export const lowestLatency: Strategy = <T extends RoutableDeployment>(
  tier: T[],
  stats: StatsLookup,
  random: RandomSource,
) => {
  if (tier.length <= 1) return tier.slice();
  const shuffled = weightedPermutation(tier, random);
  const unsampled = shuffled.filter((d) => stats(d.id).latencyMs === undefined);
  const sampled = shuffled
    .filter((d) => stats(d.id).latencyMs !== undefined)
    .sort((a, b) => stats(a.id).latencyMs! - stats(b.id).latencyMs!);
  if (sampled.length > 0) {
    const best = stats(sampled[0].id).latencyMs!;
    const near = sampled.filter((d) => stats(d.id).latencyMs! <= best * (1 + LATENCY_BUFFER));
    const rest = sampled.slice(near.length);
    sampled.splice(0, sampled.length, ...weightedPermutation(near, random), ...rest);
  }
  const ordered = [...unsampled, ...sampled];
  if (unsampled.length === 0 && random() < EXPLORATION_RATE) {
    const pick = 1 + Math.min(ordered.length - 2, Math.floor(random() * (ordered.length - 1)));
    ordered.unshift(...ordered.splice(pick, 1));
  }
  return ordered;
};
