import type { DeploymentStats, RandomSource, RoutableDeployment, StatsLookup, Strategy } from './types';
import { weightedPermutation } from './weighted';

/**
 * How close a deployment is to its limits over the last minute: the larger of rpm/rpm_limit and
 * tpm/tpm_limit (0 when it has no limits).
 */
export function utilisation(d: RoutableDeployment, s: DeploymentStats): number {
  let u = 0;
  if (d.rpmLimit) u = Math.max(u, s.rpm / d.rpmLimit);
  if (d.tpmLimit) u = Math.max(u, s.tpm / d.tpmLimit);
  return u;
}

/**
 * `usage-based`: the deployment with the most headroom first; the one closest to its rpm/tpm limits
 * is chosen last. Ties keep a weighted random order. Counters are cluster-wide (Redis).
 */
export const usageBased: Strategy = <T extends RoutableDeployment>(
  tier: T[],
  stats: StatsLookup,
  random: RandomSource,
) => {
  const shuffled = weightedPermutation(tier, random);
  return shuffled.sort((a, b) => utilisation(a, stats(a.id)) - utilisation(b, stats(b.id)));
};
