import {
  orderByStrategy,
  seededRandom,
  weightedPermutation,
  EMPTY_STATS,
  type DeploymentStats,
  type RoutableDeployment,
} from '.';
import { leastBusy } from './least-busy';
import { lowestLatency, EXPLORATION_RATE } from './lowest-latency';
import { usageBased, utilisation } from './usage-based';
import { weighted } from './weighted';

const dep = (
  id: string,
  weight = 1,
  priority = 0,
  extra: Partial<RoutableDeployment> = {},
): RoutableDeployment => ({ id, weight, priority, ...extra });
const statsFrom = (table: Record<string, Partial<DeploymentStats>>) => (id: string) => ({
  ...EMPTY_STATS,
  ...table[id],
});

function firstPickShare(run: () => RoutableDeployment[], id: string, n = 10_000): number {
  let hits = 0;
  for (let i = 0; i < n; i++) if (run()[0].id === id) hits++;
  return hits / n;
}

describe('seededRandom', () => {
  it('is deterministic and uniform enough', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 1);
  });
});

describe('weighted', () => {
  it('picks first in proportion to weight (3:1 → 0.75)', () => {
    const random = seededRandom(1);
    const share = firstPickShare(() => weighted([dep('a', 3), dep('b', 1)], EMPTY_STATS_LOOKUP, random), 'a');
    expect(share).toBeGreaterThan(0.73);
    expect(share).toBeLessThan(0.77);
  });

  it('returns a full permutation (every deployment once, for retries)', () => {
    const random = seededRandom(2);
    const out = weightedPermutation([dep('a', 5), dep('b', 1), dep('c', 2)], random);
    expect(out.map((d) => d.id).sort()).toEqual(['a', 'b', 'c']);
  });

  it('never picks weight 0 first while a positive weight exists, and still includes it', () => {
    const random = seededRandom(3);
    for (let i = 0; i < 200; i++) {
      const out = weightedPermutation([dep('zero', 0), dep('one', 1)], random);
      expect(out.map((d) => d.id)).toEqual(['one', 'zero']);
    }
  });

  it('treats all-zero weights as uniform', () => {
    const random = seededRandom(4);
    const share = firstPickShare(() => weightedPermutation([dep('a', 0), dep('b', 0)], random), 'a', 4000);
    expect(share).toBeGreaterThan(0.45);
    expect(share).toBeLessThan(0.55);
  });
});

const EMPTY_STATS_LOOKUP = () => EMPTY_STATS;

describe('least-busy', () => {
  it('orders by requests in flight', () => {
    const out = leastBusy(
      [dep('a'), dep('b'), dep('c')],
      statsFrom({ a: { inFlight: 5 }, b: { inFlight: 0 }, c: { inFlight: 2 } }),
      seededRandom(5),
    );
    expect(out.map((d) => d.id)).toEqual(['b', 'c', 'a']);
  });

  it('breaks ties by weight', () => {
    const random = seededRandom(6);
    const share = firstPickShare(
      () => leastBusy([dep('a', 3), dep('b', 1)], EMPTY_STATS_LOOKUP, random),
      'a',
    );
    expect(share).toBeGreaterThan(0.72);
    expect(share).toBeLessThan(0.78);
  });
});

describe('lowest-latency', () => {
  const stats = statsFrom({
    fast: { latencyMs: 50, samples: 10 },
    slow: { latencyMs: 500, samples: 10 },
    mid: { latencyMs: 200, samples: 10 },
  });

  it('prefers the lowest moving average, exploring about 10% of the time', () => {
    const random = seededRandom(7);
    const share = firstPickShare(
      () => lowestLatency([dep('slow'), dep('fast'), dep('mid')], stats, random),
      'fast',
    );
    expect(share).toBeGreaterThan(1 - EXPLORATION_RATE - 0.02);
    expect(share).toBeLessThan(1 - EXPLORATION_RATE + 0.02);
  });

  it('orders the rest by latency when not exploring', () => {
    const noExplore = () => 0.99;
    expect(lowestLatency([dep('slow'), dep('fast'), dep('mid')], stats, noExplore).map((d) => d.id)).toEqual([
      'fast',
      'mid',
      'slow',
    ]);
  });

  it('tries unsampled deployments first', () => {
    const out = lowestLatency(
      [dep('fast'), dep('new')],
      statsFrom({ fast: { latencyMs: 10, samples: 3 } }),
      seededRandom(8),
    );
    expect(out[0].id).toBe('new');
  });

  it('shuffles deployments within 10% of the best by weight', () => {
    const random = seededRandom(9);
    const near = statsFrom({ a: { latencyMs: 100, samples: 5 }, b: { latencyMs: 105, samples: 5 } });
    const share = firstPickShare(() => lowestLatency([dep('a'), dep('b')], near, random), 'a');
    expect(share).toBeGreaterThan(0.4);
    expect(share).toBeLessThan(0.6);
  });
});

describe('usage-based', () => {
  it('computes utilisation as the larger of rpm and tpm ratios', () => {
    expect(
      utilisation(dep('a', 1, 0, { rpmLimit: 100, tpmLimit: 1000 }), { ...EMPTY_STATS, rpm: 50, tpm: 900 }),
    ).toBeCloseTo(0.9);
    expect(utilisation(dep('a'), { ...EMPTY_STATS, rpm: 50, tpm: 900 })).toBe(0);
  });

  it('chooses the deployment closest to its limits last', () => {
    const ds = [
      dep('hot', 1, 0, { rpmLimit: 10 }),
      dep('cool', 1, 0, { rpmLimit: 10 }),
      dep('warm', 1, 0, { tpmLimit: 1000 }),
    ];
    const out = usageBased(
      ds,
      statsFrom({ hot: { rpm: 9 }, cool: { rpm: 1 }, warm: { tpm: 500 } }),
      seededRandom(10),
    );
    expect(out.map((d) => d.id)).toEqual(['cool', 'warm', 'hot']);
  });
});

describe('priority tiers on top of every strategy', () => {
  it.each(['weighted', 'least-busy', 'lowest-latency', 'usage-based'] as const)(
    '%s: a lower tier comes only after every higher one',
    (strategy) => {
      const random = seededRandom(11);
      const ds = [dep('backup', 100, 1), dep('a', 1, 0), dep('b', 1, 0), dep('last', 1, 5)];
      for (let i = 0; i < 100; i++) {
        const ids = orderByStrategy(strategy, ds, statsFrom({ a: { inFlight: 1 } }), random).map((d) => d.id);
        expect(ids.slice(0, 2).sort()).toEqual(['a', 'b']);
        expect(ids.slice(2)).toEqual(['backup', 'last']);
      }
    },
  );
});
