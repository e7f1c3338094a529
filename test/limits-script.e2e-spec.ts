/**
 * The limits script against the real Redis (under a private key prefix): admission, settlement and
 * their idempotency, as the hot path batches them.
 */
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import {
  LEASE_HEARTBEAT_LUA,
  LIMITS_LUA,
  limitsScriptArgs,
  mergeSettlementSums,
  RESERVATION_FORGET_MS,
  RESERVATION_TTL_MS,
} from '../src/modules/limits/limits.scripts';
import { deleteRedisPrefix } from './support/gateway';

type Row = Array<string | number>;
/** The script's replies as the tests read them: settle, lease, admit, then the summed settlements. */
type Reply = [number[], number[][], Row[], number[]];

describe('limits script (real Redis)', () => {
  const prefix = `sbtest:${randomUUID()}`;
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const base = `${prefix}:lim:key:k1`;
  const stream = `${prefix}:usage:events`;
  const period = 'p1';
  let batches = 0;
  // The instance the calls come from, and where the lease ledgers live.
  const ledgerPrefix = `${prefix}:lease:`;
  let instance = 'i1';
  // The script's clock (ms); '' = Redis TIME.
  let clock: number | '' = '';
  const ledgerOf = (who: string) => `${ledgerPrefix}ledger:${who}`;
  const field = (b: string, p: string) => `${b}\0${p}`;
  /** What an instance's ledger holds for a subject (its team:t9 / key:r1 budgets, period p9 / all). */
  const held = async (who: string, b = `${prefix}:lim:key:r1`, p = 'all') =>
    Number((await redis.hget(ledgerOf(who), field(b, p))) ?? 0);
  const run = async (settles: Row[], admits: Row[], leases: Row[] = [], sums: Row[] = []): Promise<Reply> => {
    const [settled, summed, leased, admitted] = (await redis.eval(
      LIMITS_LUA,
      1,
      stream,
      ...limitsScriptArgs(
        [`${prefix}:usage:settled:`, `b${++batches}`, ledgerPrefix, instance, clock],
        [settles, sums, leases, admits],
      ),
    )) as [number[], number[], number[][], Row[]];
    return [settled, leased, admitted, summed];
  };
  // subject: base, rpm, tpm, budgetNano, period, reserveNano, ttl
  const admit = (id: string, reserve: number) => [
    id,
    1,
    10,
    0,
    0,
    base,
    100,
    1000,
    5_000,
    period,
    reserve,
    3600,
  ];
  // request: id, payload, n, extraTokens, leased, earlier batches, may be seeded; subject: base, tpm, budget, period,
  // costNano, heldNano
  const settle = (id: string, cost: number, held: number, leased = 0, earlier = '', maybeSeeded = 0) => [
    id,
    `{"id":"${id}"}`,
    1,
    0,
    leased,
    earlier,
    maybeSeeded,
    base,
    1,
    1,
    period,
    cost,
    held,
  ];
  const num = async (k: string) => Number((await redis.get(k)) ?? 0);
  /** A sliding window's total (its first member, `#<expiry>`, holds minus it). */
  const windowTotal = async (k: string) => -Number((await redis.zrange(k, 0, 0, 'WITHSCORES'))[1] ?? 0);

  afterAll(async () => {
    await deleteRedisPrefix(redis, prefix);
    redis.disconnect();
  });

  it('seeds, reserves, settles once (a repeated settlement appends again but counts nothing), and refuses at the budget', async () => {
    const [, , [seed]] = await run([], [admit('e1', 2_000)]);
    expect(seed[0]).toBe('seed');
    await redis.set(`${base}:spend:${period}`, 0);

    const [, , [ok]] = await run([], [admit('e1', 2_000)]);
    expect(ok[0]).toBe('ok');
    expect(await num(`${base}:resv:${period}`)).toBe(2_000);
    expect(await redis.ttl(`${base}:resv:${period}`)).toBeGreaterThan(0);

    const [[first]] = await run([settle('e1', 1_500, 2_000)], []);
    expect(first).toBe(1);
    const [[again]] = await run([settle('e1', 1_500, 2_000)], []);
    expect(again).toBe(0);
    expect(await num(`${base}:resv:${period}`)).toBe(0);
    expect(await num(`${base}:spend:${period}`)).toBe(1_500);
    expect(await redis.xlen(stream)).toBe(2); // the writer drops the repeat on its id

    // In order within a batch: admitted while spend + open reservations stay under the budget (5,000).
    const [, , verdicts] = await run([], [admit('e2', 3_000), admit('e3', 3_000), admit('e4', 3_000)]);
    expect(verdicts.map((v) => v[0])).toEqual(['ok', 'ok', 'budget']);
    // A settlement in the same batch runs first: its freed reservation counts for the admission after it.
    const [[settled], , [after]] = await run([settle('e2', 0, 3_000)], [admit('e5', 3_000)]);
    expect([settled, after[0]]).toEqual([1, 'ok']);
  });

  it('a request holding no reservation counts on its first attempt; a retry counts only if the batches it names did not run', async () => {
    const spend = async () => num(`${base}:spend:${period}`);
    const before = await spend();
    await run([settle('e9', 100, 0)], []); // batch b<n>, leaves its marker
    const ranIn = `b${batches}`;
    expect(await redis.exists(`${prefix}:usage:settled:batch:${ranIn}`)).toBe(1);
    expect(await spend()).toBe(before + 100);
    // The retry of a call whose reply was lost names the batch it went out in: counted already.
    const [[again]] = await run([settle('e9', 100, 0, 0, `nope,${ranIn}`)], []);
    expect(again).toBe(0);
    // A retry whose earlier batches never reached Redis counts.
    const [[late]] = await run([settle('e10', 100, 0, 0, 'never-ran')], []);
    expect(late).toBe(1);
    expect(await spend()).toBe(before + 200);
  });

  describe('sliding minute (contract §9.21), on a clock the test drives', () => {
    const wbase = `${prefix}:lim:key:w1`;
    // a request for one subject with only rate limits: id, n, est tokens, base, rpm, tpm, no budget
    const admitAt = async (at: number, id: string, rpm: number, tpm = 0, est = 0) => {
      clock = at;
      const [, , [reply]] = await run([], [[id, 1, est, 0, 0, wbase, rpm, tpm, -1, 'pw', 0, 0]]);
      clock = '';
      // verdict, subject, now, rpmUsed, rpmResetMs, tpmUsed, tpmResetMs
      return reply;
    };
    const t0 = Date.UTC(2026, 11, 3, 7, 26, 2);
    afterEach(() => redis.del(`${wbase}:rpm`, `${wbase}:tpm`));

    it('five requests at 07:26:02: the sixth is refused until the oldest is 60 s old, then admitted at once (07:27:04 is)', async () => {
      for (let i = 0; i < 5; i++) expect((await admitAt(t0, `w${i}`, 5))[0]).toBe('ok');
      const refused = await admitAt(t0 + 59_000, 'w5', 5);
      // Retry-After and the reset: until 07:27:02, exact, never past 60 s
      expect([refused[0], refused[3], refused[4]]).toEqual(['rpm', 5, 1_000]);
      expect((await admitAt(t0 + 59_999, 'w5', 5))[4]).toBe(1);
      const admitted = await admitAt(t0 + 60_000, 'w5', 5);
      expect([admitted[0], admitted[3], admitted[4]]).toEqual(['ok', 1, 60_000]);
      expect((await admitAt(Date.UTC(2026, 11, 3, 7, 27, 4), 'w6', 5))[0]).toBe('ok');
    });

    it('admits a request once the n-th most recent admitted one is 60 s old, with Retry-After exactly that wait (a model of the window, 3 minutes of traffic)', async () => {
      const admittedAt: number[] = [];
      let at = t0;
      for (let i = 0; i < 120; i++) {
        at += 250 + ((i * 7919) % 4_000); // irregular gaps, 0.25–4.25 s
        const reply = await admitAt(at, `m${i}`, 5);
        const inWindow = admittedAt.filter((t) => t > at - 60_000);
        if (inWindow.length < 5) {
          expect(reply[0]).toBe('ok');
          admittedAt.push(at);
          inWindow.push(at);
          // reset: until the oldest request in the window leaves it
          expect([reply[3], reply[4]]).toEqual([inWindow.length, inWindow[0] + 60_000 - at]);
        } else {
          expect(reply[0]).toBe('rpm');
          // the 5th most recent admitted request turns 60 s old
          expect([reply[3], reply[4]]).toEqual([5, inWindow[inWindow.length - 5] + 60_000 - at]);
        }
        expect(Number(reply[4])).toBeGreaterThan(0);
        expect(Number(reply[4])).toBeLessThanOrEqual(60_000);
      }
      // bounded memory: the window keeps only what is inside it (plus its total)
      expect(await redis.zcard(`${wbase}:rpm`)).toBeLessThanOrEqual(6);
    });

    it('tokens are weighted entries: refused while the window holds tpm tokens, until enough leave it', async () => {
      expect((await admitAt(t0, 'k1', 0, 100, 60))[0]).toBe('ok');
      const second = await admitAt(t0 + 10_000, 'k2', 0, 100, 60);
      expect([second[0], second[5], second[6]]).toEqual(['ok', 120, 50_000]);
      const refused = await admitAt(t0 + 20_000, 'k3', 0, 100, 60);
      // 120 tokens: below 100 once the first 60 leave, at t0 + 60 s
      expect([refused[0], refused[5], refused[6]]).toEqual(['tpm', 120, 40_000]);
      expect((await admitAt(t0 + 60_000, 'k3', 0, 100, 60))[0]).toBe('ok');
    });

    it("a lease's slots count as admissions at its grant time, and what it gives back leaves the window", async () => {
      await redis.set(`${wbase}:spend:pw`, 0);
      const leaseArgs = (slots: number, back: Row = ['', 0, 0, 0, 0, 0]) => [
        [wbase, 100, 0, -1, 'pw', 0, slots, 1, 1, back[0], back[1], back[2], back[3], back[4], back[5], 0],
      ];
      clock = t0;
      const [, [granted]] = await run([], [], leaseArgs(8));
      expect(granted.slice(0, 4)).toEqual([8, t0, 8, 60_000]);
      const [, , [after]] = await run([], [[`l1`, 1, 0, 0, 0, wbase, 100, 0, -1, 'pw', 0, 0]]);
      expect(after[3]).toBe(9);
      clock = t0 + 1_000;
      // 5 of its 8 slots unused: given back; the 3 used stay counted at the grant time
      await run([], [], [leaseArgs(0, [granted[6], t0, 8, 5, 0, 0])[0]]);
      expect(await windowTotal(`${wbase}:rpm`)).toBe(4);
      clock = t0 + 60_000;
      const [, , [later]] = await run([], [[`l2`, 1, 0, 0, 0, wbase, 100, 0, -1, 'pw', 0, 0]]);
      expect([later[0], later[3]]).toEqual(['ok', 1]);
      clock = '';
    });
  });

  describe('leases', () => {
    const lbase = `${prefix}:lim:team:t1`;
    const lperiod = 'p2';
    // base, rpm, tpm, budgetNano, period, ttl, slots, tokensPerSlot, nanoPerSlot, then the give-back:
    // entry, grant time, requests granted and given back, tokens granted and given back, nano
    const lease = (slots: number, rpm = 1_000, budget = 1_000_000) => [
      lbase,
      rpm,
      100_000,
      budget,
      lperiod,
      3600,
      slots,
      10,
      1_000,
      '',
      0,
      0,
      0,
      0,
      0,
      0,
    ];
    const giveBack = (entry: Row, req: number, tok: number, nano: number) => [
      lbase,
      1_000,
      100_000,
      1_000_000,
      lperiod,
      3600,
      0,
      0,
      0,
      entry[6],
      entry[1],
      entry[0],
      req,
      Number(entry[0]) * 10,
      tok,
      nano,
    ];

    it('grants nothing before the spend counter is seeded, then counts the whole lease at once', async () => {
      const [, [none]] = await run([], [], [lease(16)]);
      expect(none[0]).toBe(0);
      await redis.set(`${lbase}:spend:${lperiod}`, 0);
      const [, [granted]] = await run([], [], [lease(16)]);
      const [k, , rc, rr, tc, tr] = granted;
      // a lease's slots are admissions at its grant time: the window empties 60 s later
      expect([k, rc, rr, tc, tr]).toEqual([16, 16, 60_000, 160, 60_000]);
      expect(await windowTotal(`${lbase}:rpm`)).toBe(16);
      expect(await windowTotal(`${lbase}:tpm`)).toBe(160);
      expect(await num(`${lbase}:resv:${lperiod}`)).toBe(16_000);

      // Gives back what was not used (10 requests, 100 tokens, 10,000 nano-USD), once.
      await run([], [], [giveBack(granted, 10, 100, 10_000)]);
      expect(await windowTotal(`${lbase}:rpm`)).toBe(6);
      expect(await windowTotal(`${lbase}:tpm`)).toBe(60);
      expect(await num(`${lbase}:resv:${lperiod}`)).toBe(6_000);
      await run([], [], [giveBack(granted, 10, 100, 0)]);
      expect(await windowTotal(`${lbase}:rpm`)).toBe(6);
      // An entry that left the window is not given back again.
      await redis.del(`${lbase}:rpm`);
      await run([], [], [giveBack(granted, 3, 3, 0)]);
      expect(await redis.exists(`${lbase}:rpm`)).toBe(0);
    });

    it('takes at most 1/8 of the headroom, and nothing near a limit', async () => {
      const [, [small]] = await run([], [], [lease(1_000, 100)]);
      // rpm 100, 0 used: at most 12 slots (100 / 8), fewer when this minute already counts some.
      expect(small[0]).toBeGreaterThanOrEqual(4);
      expect(small[0]).toBeLessThanOrEqual(12);
      const [, [tight]] = await run([], [], [lease(1_000, 20)]);
      expect(tight[0]).toBe(0); // (20 − used) / 8 < 4 slots: admitted one by one
      // Budget 1,000,000 nano at 1,000 a slot: an eighth of what spend and reservations leave, counted at once.
      const resv = `${lbase}:resv:${lperiod}`;
      const left = 1_000_000 - (await num(`${lbase}:spend:${lperiod}`)) - (await num(resv));
      const [, [budget]] = await run([], [], [lease(1_000, 100_000, 1_000_000)]);
      expect(budget[0]).toBe(Math.floor(left / 8 / 1_000));
      expect(await num(resv)).toBe(1_000_000 - left + Number(budget[0]) * 1_000);
    });

    it('a leased request settles once and gives its reservation back', async () => {
      await redis.set(`${lbase}:resv:${lperiod}`, 5_000);
      await redis.hset(ledgerOf(instance), field(lbase, lperiod), 1_000); // what its lease reserved
      const leasedSettle = (earlier: string) => [
        'e20',
        '{"id":"e20"}',
        1,
        0,
        1,
        earlier,
        0,
        lbase,
        1,
        1,
        lperiod,
        700,
        1_000,
      ];
      const [[first]] = await run([leasedSettle('')], []);
      const [[again]] = await run([leasedSettle(`b${batches}`)], []);
      expect([first, again]).toEqual([1, 0]);
      expect(await num(`${lbase}:resv:${lperiod}`)).toBe(4_000);
      expect(await num(`${lbase}:spend:${lperiod}`)).toBe(700);
    });
  });

  describe('summed settlements', () => {
    const sbase = `${prefix}:lim:key:k3`;
    const speriod = 'p3';
    // events, subject count, then per subject: base, period, tokens, spendNano, freedNano
    const sum = (id: string, tokens: number, spend: number, freed: number): Row => [
      `{"id":"${id}"}`,
      1,
      sbase,
      speriod,
      tokens,
      spend,
      freed,
    ];
    const counters = async () => {
      return {
        tokens: await windowTotal(`${sbase}:tpm`),
        spend: await num(`${sbase}:spend:${speriod}`),
        resv: await num(`${sbase}:resv:${speriod}`),
      };
    };

    it('counts what the items sum to, merged or not, appends their events as one entry and leaves the batch marker', async () => {
      await redis.set(`${sbase}:spend:${speriod}`, 0);
      await redis.set(`${sbase}:resv:${speriod}`, 10_000);
      await redis.hset(ledgerOf(instance), field(sbase, speriod), 10_000);
      const items = [sum('s1', 5, 300, 1_000), sum('s2', 0, 200, 1_000), ['', 1, sbase, speriod, 0, 0, 500]];
      const entriesBefore = await redis.xlen(stream);
      const [, , , replies] = await run([], [], [], items);
      expect(replies).toEqual([1, 1, 1]);
      const one = await counters();
      expect(one).toMatchObject({ spend: 500, resv: 7_500 });
      expect(await redis.exists(`${prefix}:usage:settled:batch:b${batches}`)).toBe(1);
      const [[, fields]] = (await redis.xrevrange(stream, '+', '-', 'COUNT', 1)) as Array<[string, string[]]>;
      expect(fields).toEqual(['e', '{"id":"s1"}\n{"id":"s2"}']);
      expect(await redis.xlen(stream)).toBe(entriesBefore + 1);

      // The same items merged into one (as the gateway sends them) count exactly the same.
      const merged = mergeSettlementSums(items);
      expect(merged).toEqual(['{"id":"s1"}\n{"id":"s2"}', 1, sbase, speriod, 5, 500, 2_500]);
      await run([], [], [], [merged]);
      const two = await counters();
      expect(two.spend).toBe(1_000);
      expect(two.resv).toBe(5_000);
      expect(two.tokens - one.tokens).toBe(5);
    });

    it('a retry of a summed settlement names its batch and is not counted again', async () => {
      const before = await counters();
      await run([], [], [], [sum('s5', 0, 40, 0)]);
      const ranIn = `b${batches}`;
      // retried one by one (SETTLE lane): eventId, payload, n, extra, leased, earlier, may be seeded, then the subject
      const retry = ['s5', '{"id":"s5"}', 1, 0, 1, ranIn, 0, sbase, 1, 1, speriod, 40, 0];
      const [[again]] = await run([retry], []);
      expect(again).toBe(0);
      expect((await counters()).spend).toBe(before.spend + 40);
    });
  });

  describe('lease ledger', () => {
    const gbase = `${prefix}:lim:team:t9`;
    const gperiod = 'p9';
    // base, rpm, tpm, budgetNano, period, ttl, slots, tokensPerSlot, nanoPerSlot, give-back: entry, grant time, requests granted and back, tokens granted and back, nano
    const lease = (slots: number, giveNano = 0) => [
      gbase,
      0,
      0,
      1_000_000_000,
      gperiod,
      3600,
      slots,
      1,
      1_000,
      '',
      0,
      0,
      0,
      0,
      0,
      giveNano,
    ];
    const resv = () => num(`${gbase}:resv:${gperiod}`);

    afterEach(() => {
      instance = 'i1';
    });

    it('records what a lease reserves, frees through it (never more than it holds), and keeps the instance alive', async () => {
      await redis.set(`${gbase}:spend:${gperiod}`, 0);
      instance = 'i2';
      const [, [granted]] = await run([], [], [lease(16)]);
      expect(granted[0]).toBe(16);
      expect(await held('i2', gbase, gperiod)).toBe(16_000);
      const deadline = Number(await redis.zscore(`${ledgerPrefix}alive`, 'i2'));
      expect(deadline).toBeGreaterThan(Number(granted[1]));
      // a summed settlement of 3 leased requests, then a give-back of more than is left
      await run([], [], [], [['', 1, gbase, gperiod, 0, 0, 3_000]]);
      expect([await held('i2', gbase, gperiod), await resv()]).toEqual([13_000, 13_000]);
      await run([], [], [lease(0, 50_000)]);
      expect([await held('i2', gbase, gperiod), await resv()]).toEqual([0, 0]);
      expect(await redis.exists(ledgerOf('i2'))).toBe(0);
    });

    it("gives back the ledger of an instance whose heartbeat stopped, once; that instance's late settlements free nothing twice and it gets no lease under that id again", async () => {
      await redis.set(`${gbase}:spend:${gperiod}`, 0);
      instance = 'dead';
      await run([], [], [lease(10)]);
      expect([await held('dead', gbase, gperiod), await resv()]).toEqual([10_000, 10_000]);
      // its heartbeat stopped: the deadline passes
      await redis.zadd(`${ledgerPrefix}alive`, 1, 'dead');
      instance = 'other';
      await run([], []); // any call from any instance sweeps
      expect(await resv()).toBe(0);
      expect(await redis.exists(ledgerOf('dead'))).toBe(0);
      expect(await redis.zscore(`${ledgerPrefix}alive`, 'dead')).toBeNull();
      // a late settlement from the reclaimed instance adds its spend but frees nothing again
      await redis.set(`${gbase}:resv:${gperiod}`, 4_000); // another instance's open reservations
      instance = 'dead';
      await run([], [], [], [['{"id":"late"}', 1, gbase, gperiod, 0, 700, 1_000]]);
      expect(await resv()).toBe(4_000);
      expect(await num(`${gbase}:spend:${gperiod}`)).toBe(700);
      // and neither the heartbeat nor a new lease revives it: its id is refused leases (it must move on)
      await redis.eval(LEASE_HEARTBEAT_LUA, 1, `${ledgerPrefix}alive`, 'dead');
      const [, [refused]] = await run([], [], [lease(10)]);
      expect(refused[0]).toBe(-1);
      expect(await redis.zscore(`${ledgerPrefix}alive`, 'dead')).toBeNull();
      expect(await redis.exists(ledgerOf('dead'))).toBe(0);
      expect(await resv()).toBe(4_000);
    });

    it('the heartbeat pushes a live instance deadline forward', async () => {
      await redis.zadd(`${ledgerPrefix}alive`, 5, 'beating');
      await redis.eval(LEASE_HEARTBEAT_LUA, 1, `${ledgerPrefix}alive`, 'beating');
      expect(Number(await redis.zscore(`${ledgerPrefix}alive`, 'beating'))).toBeGreaterThan(Date.now());
    });
  });

  describe('one-by-one reservations on a budget without a period (no expiry of their own)', () => {
    const rbase = `${prefix}:lim:key:r1`;
    // id, n, est; subject: base, no rpm/tpm, budget 1,000,000 nano, period 'all', reserve 2,000, no TTL
    const admitR = (id: string) => [id, 1, 0, 0, 0, rbase, 0, 0, 1_000_000, 'all', 2_000, 0];
    // id, payload, n, extra, not leased, no earlier batch, not seeded; subject: base, tpm, budget, period, cost, held
    const settleR = (id: string, cost: number) => [
      id,
      `{"id":"${id}"}`,
      1,
      0,
      0,
      '',
      0,
      rbase,
      0,
      1,
      'all',
      cost,
      2_000,
    ];
    const resv = () => num(`${rbase}:resv:all`);
    const spend = () => num(`${rbase}:spend:all`);
    const deadlines = `${ledgerPrefix}reservation-deadlines`;
    const recordOf = (id: string) => `${ledgerPrefix}reservation:${id}`;

    beforeAll(() => redis.set(`${rbase}:spend:all`, 0));
    afterEach(() => {
      instance = 'i1';
      clock = '';
    });

    it('a process killed between admission and settlement: its ledger gives the reservation back once its heartbeat stops; a late settlement frees nothing twice', async () => {
      instance = 'killed';
      const [, , [ok]] = await run([], [admitR('r1')]);
      expect(ok[0]).toBe('ok');
      expect(await resv()).toBe(2_000);
      expect(await redis.ttl(`${rbase}:resv:all`)).toBe(-1);
      expect(await held('killed')).toBe(2_000);
      await redis.zadd(`${ledgerPrefix}alive`, 1, 'killed'); // its heartbeat stopped
      instance = 'survivor';
      await run([], []);
      expect(await resv()).toBe(0);
      // had it only stalled, its settlement counts the spend once and frees nothing again
      await redis.set(`${rbase}:resv:all`, 5_000); // other requests' reservations
      instance = 'killed';
      const [[late]] = await run([settleR('r1', 700)], []);
      const [[again]] = await run([settleR('r1', 700)], []);
      expect([late, again]).toEqual([1, 0]);
      expect([await resv(), await spend()]).toEqual([5_000, 700]);
      expect(await redis.zscore(deadlines, 'r1')).toBeNull();
      expect(await redis.exists(recordOf('r1'))).toBe(0);
      await redis.set(`${rbase}:resv:all`, 0);
    });

    it('an owner that lives but never settles: freed at the deadline; a settlement after it still counts its spend once; the record goes a day later', async () => {
      const t = Date.now();
      instance = 'forgetful';
      await redis.zadd(`${ledgerPrefix}alive`, t + 10 * RESERVATION_FORGET_MS, 'forgetful'); // it lives
      clock = t;
      await run([], [admitR('r2'), admitR('r3')]);
      expect(await resv()).toBe(4_000);
      clock = t + RESERVATION_TTL_MS - 1;
      await run([], []);
      expect(await resv()).toBe(4_000);
      clock = t + RESERVATION_TTL_MS;
      await run([], []);
      expect([await resv(), await held('forgetful')]).toEqual([0, 0]);
      const before = await spend();
      const [[late]] = await run([settleR('r2', 300)], []);
      const [[again]] = await run([settleR('r2', 300)], []);
      expect([late, again]).toEqual([1, 0]);
      expect([await resv(), await spend()]).toEqual([0, before + 300]);
      // r3 never settles: its record stays, expired, for RESERVATION_FORGET_MS (Redis' own expiry)
      expect(await redis.hget(recordOf('r3'), 'state')).toBe('expired');
      const ttl = await redis.pttl(recordOf('r3'));
      expect(ttl).toBeGreaterThan(RESERVATION_FORGET_MS - 60_000);
      expect(ttl).toBeLessThanOrEqual(RESERVATION_FORGET_MS);
      expect(await redis.zcard(deadlines)).toBe(0);
    });
  });

  describe('reservation records, on a clock the test drives', () => {
    const tbase = `${prefix}:lim:team:t7`;
    const HOUR = 3_600_000;
    const recordOf = (id: string) => `${ledgerPrefix}reservation:${id}`;
    const deadlines = `${ledgerPrefix}reservation-deadlines`;
    // a task: id, n, est 10, hold, task; subject: base, no rpm, tpm 1,000,000, budget 1,000,000, period 'all', reserve 5,000
    const task = (id: string, hold: number) => [
      id,
      1,
      10,
      hold,
      1,
      tbase,
      0,
      1_000_000,
      1_000_000,
      'all',
      5_000,
      0,
    ];
    // by id: id, payload ('' = release), -1, costNano, tokens
    const byId = (id: string, cost: number | null) =>
      cost === null ? [id, '', -1, 0, 0, 0] : [id, `{"id":"${id}"}`, -1, cost, 25, 0];
    const resv = () => num(`${tbase}:resv:all`);
    const spend = () => num(`${tbase}:spend:all`);
    /** One script call with no requests from `who` at `at`: what its sweep freed. */
    const sweep = async (who: string, at: number) =>
      (
        (await redis.eval(
          LIMITS_LUA,
          1,
          stream,
          ...limitsScriptArgs(
            [`${prefix}:usage:settled:`, `b${++batches}`, ledgerPrefix, who, at],
            [[], [], [], []],
          ),
        )) as unknown[][]
      )[4][0] as number;
    const t = Date.UTC(2026, 11, 3, 12, 0, 0);

    beforeAll(() => redis.set(`${tbase}:spend:all`, 0));
    afterEach(() => {
      instance = 'i1';
      clock = '';
    });

    it('a task held for six hours: written with the admission, out of its owner ledger; survives the request deadline, sweeps and its owner death; settled by id once (tokens beyond the estimate counted)', async () => {
      instance = 'owner';
      clock = t;
      const [, , [ok]] = await run([], [task('x1', 6 * HOUR)]);
      expect(ok[0]).toBe('ok');
      expect(await redis.hgetall(recordOf('x1'))).toEqual({
        state: 'open',
        owner: 'owner',
        ledger: '0',
        deadline: String(t + 6 * HOUR),
        est: '10',
        amount: '5000',
        subjects: `${tbase}\tall\t5000\t1\t1`,
      });
      expect(await held('owner', tbase, 'all')).toBe(0);
      expect(await resv()).toBe(5_000);
      await redis.zadd(`${ledgerPrefix}alive`, 1, 'owner'); // it died
      expect(await sweep('other', t + RESERVATION_TTL_MS)).toBe(0);
      expect(await sweep('other', t + 6 * HOUR - 1)).toBe(0);
      expect(await resv()).toBe(5_000);
      instance = 'worker';
      clock = t + 6 * HOUR - 1;
      const [[first, again, release]] = await run(
        [byId('x1', 1_234), byId('x1', 1_234), byId('x1', null)],
        [],
      );
      expect([first, again, release]).toEqual(['settled', 'already-settled', 'already-settled']);
      expect([await resv(), await spend()]).toEqual([0, 1_234]);
      // 25 tokens used, 10 estimated (those left the window hours ago): 15 more counted now
      expect(await windowTotal(`${tbase}:tpm`)).toBe(15);
      expect(await redis.zscore(deadlines, 'x1')).toBeNull();
      // just settled: the sweep at its deadline frees nothing again
      expect(await sweep('other', t + 6 * HOUR)).toBe(0);
      expect(await resv()).toBe(0);
      expect(await redis.pttl(recordOf('x1'))).toBeGreaterThan(RESERVATION_FORGET_MS - 60_000);
    });

    it('two sweepers at the deadline: freed once; a settlement in the same call as the expiry counts its spend once and frees nothing again', async () => {
      const before = await spend();
      clock = t;
      await run([], [task('x2', 1_000), task('x3', 1_000)]);
      expect(await resv()).toBe(10_000);
      const swept = await Promise.all([
        sweep('s1', t + 1_000),
        sweep('s2', t + 1_000),
        sweep('s3', t + 1_000),
      ]);
      expect(swept.reduce((a, b) => a + b, 0)).toBe(2);
      expect(await resv()).toBe(0);
      expect(await redis.hget(recordOf('x2'), 'state')).toBe('expired');
      clock = t + 2_000;
      const [[late, release, again]] = await run([byId('x2', 700), byId('x3', null), byId('x2', 700)], []);
      expect([late, release, again]).toEqual(['settled', 'already-expired', 'already-settled']);
      expect([await resv(), await spend()]).toEqual([0, before + 700]);
    });

    it("drains the previous build's deadlines (base:resvh entries), through their owner ledger", async () => {
      const legacy = `${ledgerPrefix}resv-deadlines`;
      await redis.hset(`${tbase}:resvh:all`, 'old1', '3000:oldowner');
      await redis.hincrby(ledgerOf('oldowner'), field(tbase, 'all'), 3_000);
      await redis.zadd(`${ledgerPrefix}alive`, t + 10 * HOUR, 'oldowner');
      await redis.incrby(`${tbase}:resv:all`, 3_000);
      await redis.zadd(legacy, t + 5, `old1\0${tbase}\0all`);
      expect(await sweep('s1', t + 4)).toBe(0);
      expect(await resv()).toBe(3_000);
      await sweep('s1', t + 5);
      expect(await resv()).toBe(0);
      expect(await redis.hexists(`${tbase}:resvh:all`, 'old1')).toBe(0);
      expect(await redis.zcard(legacy)).toBe(0);
      expect(await held('oldowner', tbase, 'all')).toBe(0);
    });
  });
});
