import type { CatalogDeployment } from './catalog.types';

export type RandomSource = () => number;

/**
 * Orders deployments for one request: priority tiers first (lower `priority` value = higher tier),
 * then, within a tier, a weighted random permutation (each pick proportional to weight). Pure.
 */
export function orderDeployments(deployments: CatalogDeployment[], random: RandomSource = Math.random): CatalogDeployment[] {
  const tiers = new Map<number, CatalogDeployment[]>();
  for (const d of deployments) {
    if (!d.enabled) continue;
    const tier = tiers.get(d.priority) ?? [];
    tier.push(d);
    tiers.set(d.priority, tier);
  }
  const ordered: CatalogDeployment[] = [];
  for (const p of [...tiers.keys()].sort((a, b) => a - b)) ordered.push(...weightedPermutation(tiers.get(p)!, random));
  return ordered;
}

export function weightedPermutation<T extends { weight: number }>(items: T[], random: RandomSource): T[] {
  if (items.length <= 1) return items.slice();
  const pool = items.slice();
  const out: T[] = [];
  while (pool.length > 0) {
    const total = pool.reduce((s, d) => s + Math.max(0, d.weight), 0);
    let idx = 0;
    if (total > 0) {
      let r = random() * total;
      idx = pool.findIndex((d) => (r -= Math.max(0, d.weight)) < 0);
      if (idx === -1) idx = pool.length - 1;
    } else {
      idx = Math.floor(random() * pool.length);
    }
    out.push(pool.splice(idx, 1)[0]);
  }
  return out;
}
