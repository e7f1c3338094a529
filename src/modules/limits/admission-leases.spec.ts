import type { ScriptArgs } from './script-batcher';
import { AdmissionLeases, LEASE_MS, type LeaseReply, type LeaseSubject } from './admission-leases';

const subject = (over: Partial<LeaseSubject> = {}): LeaseSubject => ({
  base: 'sb:lim:key:k1',
  rpm: 1_000,
  tpm: 100_000,
  budgetNano: 1_000_000_000,
  period: 'p',
  ttlSeconds: 3600,
  reserveNano: 1_000,
  ...over,
});

/** Redis' clock at the grants of the harness. */
const REDIS_NOW_MS = 60_000 * 1000 + 10_000;

/** A fake Redis side: records the operations, answers grants with `slots`. */
function harness(slots = 16) {
  let now = 1_000_000;
  const ops: ScriptArgs[] = [];
  const answers: Array<(r: LeaseReply) => void> = [];
  const leases = new AdmissionLeases(
    (args) => {
      ops.push(args);
      return new Promise<LeaseReply>((resolve) => answers.push(resolve));
    },
    () => now,
  );
  // the windows after the grant: k requests (reset in 60 s), k × 10 tokens (reset in 50 s); entry 'u1'
  const grant = (k = slots) => answers.shift()!([k, REDIS_NOW_MS, k, 60_000, k * 10, 50_000, 'u1']);
  const settle = () => new Promise((r) => setImmediate(r));
  return {
    leases,
    ops,
    /** Answers the oldest lease request with `k` slots and lets the leases take the answer in. */
    answer: async (k = slots) => {
      grant(k);
      await settle();
    },
    /** A first request for `s` (a miss that asks for a lease), answered with `k` slots. */
    lease: async (s: LeaseSubject, k = slots) => {
      leases.take([s], 10);
      grant(k);
      await settle();
    },
    advance: (ms: number) => (now += ms),
  };
}

describe('AdmissionLeases', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] }));
  afterEach(() => jest.useRealTimers());

  it('misses until Redis granted a lease, then admits from memory with the headers of its counts', async () => {
    const h = harness();
    const s = subject();
    expect(h.leases.take([s], 10)).toBeUndefined();
    expect(h.ops).toHaveLength(1);
    // base, rpm, tpm, budget, period, ttl, slots, tokens per slot, nano per slot, nothing to give back
    expect(h.ops[0]).toEqual([
      s.base,
      1_000,
      100_000,
      1_000_000_000,
      'p',
      3600,
      16,
      10,
      1_000,
      '',
      0,
      0,
      0,
      0,
      0,
      0,
    ]);
    expect(h.leases.take([s], 10)).toBeUndefined(); // one request for a lease at a time
    expect(h.ops).toHaveLength(1);
    await h.answer();
    h.advance(1_500);
    const views = h.leases.take([s], 10)!;
    // Redis counted 16 requests for the lease; 15 are not used yet: this request is the 1st. The resets
    // count down from the grant.
    expect(views.requests).toEqual([{ limit: 1_000, used: 1, resetMs: 58_500 }]);
    expect(views.tokens).toEqual([{ limit: 100_000, used: 10, resetMs: 48_500 }]);
  });

  it('asks for the next lease when running low, and gives back the unused part of the one it replaces', async () => {
    const h = harness();
    const s = subject();
    await h.lease(s, 16);
    for (let i = 0; i < 12; i++) expect(h.leases.take([s], 10)).toBeDefined();
    expect(h.ops).toHaveLength(1);
    expect(h.leases.take([s], 10)).toBeDefined(); // 3 left of 16: below a quarter
    expect(h.ops).toHaveLength(2);
    await h.answer(16);
    // The old lease gave back 3 requests, 30 tokens, 3,000 nano-USD of its minute.
    expect(h.ops[2].slice(6)).toEqual([0, 0, 0, 'u1', REDIS_NOW_MS, 16, 3, 160, 30, 3_000]);
  });

  it('never admits more than the lease holds, in requests, tokens or budget', async () => {
    const h = harness();
    const s = subject();
    await h.lease(s, 4);
    expect(h.leases.take([s], 50)).toBeUndefined(); // 40 tokens leased
    const h2 = harness();
    await h2.lease(s, 4);
    let admitted = 0;
    while (h2.leases.take([s], 10)) admitted++;
    expect(admitted).toBe(4);
  });

  it('admits only when every subject (key and team) has a lease that covers the request', async () => {
    const h = harness();
    const key = subject();
    const team = subject({ base: 'sb:lim:team:t1', budgetNano: -1 });
    expect(h.leases.take([key, team], 10)).toBeUndefined();
    await h.answer();
    expect(h.leases.take([key, team], 10)).toBeUndefined(); // the team's lease is still on its way
    await h.answer();
    const views = h.leases.take([key, team], 10)!;
    expect(views.requests).toHaveLength(2);
  });

  it('ends a lease after LEASE_MS or when the subject limits change, giving back what it did not use', async () => {
    const h = harness();
    const s = subject();
    await h.lease(s, 16);
    h.leases.take([s], 10);
    expect(h.leases.take([subject({ rpm: 500 })], 10)).toBeUndefined();
    expect(h.ops[1].slice(6)).toEqual([0, 0, 0, 'u1', REDIS_NOW_MS, 16, 15, 160, 150, 15_000]);

    const h2 = harness();
    await h2.lease(s, 16);
    h2.advance(LEASE_MS);
    jest.advanceTimersByTime(LEASE_MS + 1);
    expect(h2.ops[1].slice(6)).toEqual([0, 0, 0, 'u1', REDIS_NOW_MS, 16, 16, 160, 160, 16_000]);
    expect(h2.leases.take([s], 10)).toBeUndefined();
  });

  it('backs off after Redis granted nothing, and gives every lease back on retireAll', async () => {
    const h = harness();
    const s = subject();
    await h.lease(s, 0);
    expect(h.leases.take([s], 10)).toBeUndefined();
    expect(h.ops).toHaveLength(1);
    h.advance(1_000);
    h.leases.take([s], 10);
    expect(h.ops).toHaveLength(2);
    await h.answer(8);
    void h.leases.retireAll();
    expect(h.ops[2].slice(6)).toEqual([0, 0, 0, 'u1', REDIS_NOW_MS, 8, 8, 80, 80, 8_000]);
  });
});
