/** A source of uniform random numbers in [0, 1). Injected so tests can seed it. */
export type RandomSource = () => number;

/** What a strategy needs to know about a deployment. */
export interface RoutableDeployment {
  id: string;
  weight: number;
  priority: number;
  rpmLimit?: number;
  tpmLimit?: number;
}

/**
 * Live figures for one deployment. `inFlight` and `latencyMs` are per replica (kept in process);
 * `rpm`/`tpm` are cluster-wide over a sliding minute (Redis, refreshed asynchronously).
 */
export interface DeploymentStats {
  inFlight: number;
  /** Exponentially weighted moving average of time to first byte; undefined until sampled. */
  latencyMs?: number;
  samples: number;
  rpm: number;
  tpm: number;
}

export type StatsLookup = (id: string) => DeploymentStats;

export const EMPTY_STATS: DeploymentStats = { inFlight: 0, samples: 0, rpm: 0, tpm: 0 };

/** Orders one priority tier. Pure: the same input and random sequence give the same order. */
export type Strategy = <T extends RoutableDeployment>(
  tier: T[],
  stats: StatsLookup,
  random: RandomSource,
) => T[];

/** A deterministic random source (mulberry32) for tests and reproducible benchmarks. */
export function seededRandom(seed: number): RandomSource {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
