/**
 * Reservations as records (issue 15): a reservation admitted on one gateway instance is settled or
 * released by id on another, exactly once, and swept at its deadline — against the real Redis and
 * Postgres, two instances sharing both.
 */
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { MASTER_IDENTITY, type Identity } from '../src/modules/auth/identity';
import { LimitsService } from '../src/modules/limits/limits.service';
import type { ReservationOutcome } from '../src/modules/limits/reservation-record';
import { UsageService } from '../src/modules/usage/usage.service';
import type { UsageEvent } from '../src/modules/usage/usage-event';
import { SqlPool } from '../src/database/sql-pool.service';
import { startGateway, type TestGateway } from './support/gateway';

const HOUR = 3_600_000;
const USD = 1_000_000_000; // nano-USD

describe('reservation records across instances (real Redis and Postgres)', () => {
  let a: TestGateway;
  let b: TestGateway;
  let limitsA: LimitsService;
  let limitsB: LimitsService;
  let usageA: UsageService;
  let usageB: UsageService;
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

  beforeAll(async () => {
    a = await startGateway();
    b = await startGateway({ databaseUrl: a.config.databaseUrl, redisPrefix: a.config.redisPrefix });
    limitsA = a.app.get(LimitsService);
    limitsB = b.app.get(LimitsService);
    usageA = a.app.get(UsageService);
    usageB = b.app.get(UsageService);
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    redis.disconnect();
  });

  /** A key (budget 100 USD, no period) in a team (budget 100 USD), neither used before. */
  const identity = (): Identity => ({
    kind: 'key',
    keyId: randomUUID(),
    teamId: randomUUID(),
    role: 'member',
    allowedModels: [],
    keyLimits: { maxBudgetUsd: '100', budgetPeriodStart: new Date() },
    teamLimits: { maxBudgetUsd: '100', budgetPeriodStart: new Date() },
  });
  const counter = async (id: Identity, kind: 'key' | 'team', what: 'spend' | 'resv') =>
    Number(
      (await redis.get(
        `${a.config.redisPrefix}:lim:${kind}:${kind === 'key' ? id.keyId : id.teamId}:${what}:all`,
      )) ?? 0,
    );
  const task = (id: Identity, holdMs = 6 * HOUR, reserveNano = USD) =>
    limitsA.reserveForTask({ eventId: randomUUID(), identity: id, promptTokens: 10, reserveNano, holdMs });
  const event = (eventId: string, id: Identity, costUsd: string): UsageEvent => ({
    id: eventId,
    requestId: `req-${eventId}`,
    createdAt: new Date(),
    keyId: id.keyId,
    teamId: id.teamId,
    model: 'video-model',
    endpoint: '/v1/videos',
    statusCode: 200,
    usage: { promptTokens: 10, completionTokens: 0 },
    costUsd,
    latencyMs: 1_000,
    stream: false,
  });
  const records = (ids: string[]) =>
    a.app.get(SqlPool).query<{
      id: string;
      cost_usd: string;
    }>('SELECT id::text, cost_usd::text FROM usage_records WHERE id = ANY($1::uuid[])', [ids]);
  async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
    for (let i = 0; ; i++) {
      const v = await read();
      if (ok(v) || i > 100) return v;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('a task reserved on A is settled by id on B, once: spend exact, reservation freed, one usage record; repeats report already-settled', async () => {
    const id = identity();
    const admission = await task(id);
    expect(admission.reservationId).toBe(admission.eventId);
    const record = await limitsB.reservation(admission.eventId);
    expect(record).toMatchObject({
      state: 'open',
      keyId: id.keyId,
      teamId: id.teamId,
      amountNano: USD,
      inOwnerLedger: false,
      estTokens: 10,
    });
    expect(record!.deadlineMs).toBe(admission.deadlineMs);
    expect(record!.deadlineMs - Date.now()).toBeGreaterThan(5 * HOUR);
    expect([await counter(id, 'key', 'resv'), await counter(id, 'team', 'resv')]).toEqual([USD, USD]);

    const settled = event(admission.eventId, id, '0.123456789');
    expect(await usageB.settleReservation(settled)).toBe('settled');
    expect(await usageB.settleReservation(settled)).toBe('already-settled');
    expect(await usageA.settleReservation(settled)).toBe('already-settled');
    expect(await usageA.releaseReservation(admission.eventId)).toBe('already-settled');
    expect(await counter(id, 'key', 'spend')).toBe(123_456_789);
    expect(await counter(id, 'team', 'spend')).toBe(123_456_789);
    expect([await counter(id, 'key', 'resv'), await counter(id, 'team', 'resv')]).toEqual([0, 0]);
    expect((await limitsA.reservation(admission.eventId))?.state).toBe('settled');
    const rows = await eventually(
      () => records([admission.eventId]),
      (r) => r.length === 1,
    );
    expect(rows).toEqual([{ id: admission.eventId, cost_usd: '0.1234567890' }]);
    expect(await limitsA.releaseReservation(randomUUID())).toBe('unknown');
  });

  it('settle and release racing on both instances: exactly one wins per reservation, and the budget is exact', async () => {
    const id = identity();
    const admissions = await Promise.all(Array.from({ length: 10 }, () => task(id, HOUR, USD / 10)));
    expect(await counter(id, 'key', 'resv')).toBe(USD);
    const attempts: Array<Promise<ReservationOutcome>> = [];
    for (const adm of admissions)
      for (let i = 0; i < 8; i++) {
        const [limits, usage] = i % 2 === 0 ? [limitsA, usageA] : [limitsB, usageB];
        attempts.push(
          i % 4 < 2
            ? usage.settleReservation(event(adm.eventId, id, '0.01'))
            : limits.releaseReservation(adm.eventId),
        );
      }
    const outcomes = await Promise.all(attempts);
    let settledCount = 0;
    for (let r = 0; r < admissions.length; r++) {
      const mine = outcomes.slice(r * 8, r * 8 + 8);
      const wins = mine.filter((o) => o === 'settled' || o === 'released');
      expect(wins).toHaveLength(1);
      expect(mine.filter((o) => o === `already-${wins[0]}`)).toHaveLength(7);
      if (wins[0] === 'settled') settledCount++;
    }
    expect(await counter(id, 'key', 'resv')).toBe(0);
    expect(await counter(id, 'team', 'resv')).toBe(0);
    expect(await counter(id, 'key', 'spend')).toBe(settledCount * 10_000_000);
    expect(await counter(id, 'team', 'spend')).toBe(settledCount * 10_000_000);
  });

  it('a request admitted one by one carries its record (written by the admission call) and any instance can release it by id, through its owner ledger', async () => {
    const id = identity();
    const admission = await limitsA.admit({
      eventId: randomUUID(),
      identity: id,
      promptTokens: 5,
      reserveNano: USD,
    });
    expect(admission.leased).toBe(false);
    expect(admission.reservationId).toBe(admission.eventId);
    expect(admission.deadlineMs! - Date.now()).toBeGreaterThan(HOUR - 60_000);
    expect((await limitsB.reservation(admission.eventId))?.inOwnerLedger).toBe(true);
    expect(await limitsB.releaseReservation(admission.eventId)).toBe('released');
    expect(await counter(id, 'key', 'resv')).toBe(0);
    // The request's own settlement afterwards counts nothing again.
    await usageA.commit(event(admission.eventId, id, '0.5'), admission);
    await usageA.drain();
    expect(await counter(id, 'key', 'spend')).toBe(0);

    // The usual path: settled in-process by its request; the record is then gone.
    const second = await limitsA.admit({
      eventId: randomUUID(),
      identity: id,
      promptTokens: 5,
      reserveNano: USD,
    });
    await usageA.commit(event(second.eventId, id, '0.5'), second);
    await usageA.drain();
    expect(await counter(id, 'key', 'spend')).toBe(USD / 2);
    expect(await counter(id, 'key', 'resv')).toBe(0);
    expect(await limitsB.reservation(second.eventId)).toBeUndefined();
    expect(await limitsB.settleReservation(event(second.eventId, id, '0.5'))).toBe('unknown');
    expect(await counter(id, 'key', 'spend')).toBe(USD / 2);
  });

  it("a task's reservation hours away survives sweeps and its owner's death; an expired one is reclaimed exactly once by two sweepers, and a late settlement counts its spend once", async () => {
    const id = identity();
    const long = await task(id, 6 * HOUR);
    const short = await task(id, 50);
    expect(await counter(id, 'key', 'resv')).toBe(2 * USD);
    // Its owner (A) stops its heartbeat: its ledger goes, the task reservations stay (they are not in it).
    await redis.zadd(
      `${a.config.redisPrefix}:lease:alive`,
      1,
      (await limitsA.reservation(long.eventId))!.owner,
    );
    await new Promise((r) => setTimeout(r, 80));
    const swept = await Promise.all([limitsA.sweepReservations(), limitsB.sweepReservations()]);
    expect((await limitsA.reservation(short.eventId))?.state).toBe('expired');
    expect((await limitsA.reservation(long.eventId))?.state).toBe('open');
    expect(await counter(id, 'key', 'resv')).toBe(USD);
    expect(await counter(id, 'team', 'resv')).toBe(USD);
    // Other requests' expiries may fall in the same sweeps: at least this one, and never twice.
    expect(swept[0] + swept[1]).toBeGreaterThanOrEqual(1);
    expect(await limitsB.sweepReservations()).toBe(0);

    expect(await limitsB.releaseReservation(short.eventId)).toBe('already-expired');
    expect(await usageB.settleReservation(event(short.eventId, id, '0.2'))).toBe('settled');
    expect(await usageB.settleReservation(event(short.eventId, id, '0.2'))).toBe('already-settled');
    expect(await counter(id, 'key', 'resv')).toBe(USD);
    expect(await counter(id, 'key', 'spend')).toBe(USD / 5);
    expect(await usageA.settleReservation(event(long.eventId, id, '0.3'))).toBe('settled');
    expect([await counter(id, 'key', 'resv'), await counter(id, 'key', 'spend')]).toEqual([0, USD / 2]);
    expect([await counter(id, 'team', 'resv'), await counter(id, 'team', 'spend')]).toEqual([0, USD / 2]);
  });

  it("a task's admission handed to commit() or release() goes by its record's id: once, whoever else settles it", async () => {
    const id = identity();
    const settled = await task(id);
    const released = await task(id);
    await usageA.commit(event(settled.eventId, id, '0.25'), settled);
    usageA.release(released);
    await usageA.drain();
    expect(await usageB.settleReservation(event(settled.eventId, id, '0.25'))).toBe('already-settled');
    expect(await usageB.settleReservation(event(released.eventId, id, '0.25'))).toBe('already-released');
    expect([await counter(id, 'key', 'resv'), await counter(id, 'key', 'spend')]).toEqual([0, USD / 4]);
  });

  it('a task of a caller without limits (the master key) still has a record, so it is settled by id once and its usage recorded', async () => {
    const admission = await limitsA.reserveForTask({
      eventId: randomUUID(),
      identity: MASTER_IDENTITY,
      promptTokens: 0,
      reserveNano: USD,
      holdMs: HOUR,
    });
    expect(await limitsB.reservation(admission.eventId)).toMatchObject({ state: 'open', subjects: [] });
    const e = { ...event(admission.eventId, identity(), '1.5'), keyId: undefined, teamId: undefined };
    expect(await usageB.settleReservation(e)).toBe('settled');
    expect(await usageA.settleReservation(e)).toBe('already-settled');
    const rows = await eventually(
      () => records([admission.eventId]),
      (r) => r.length === 1,
    );
    expect(rows).toHaveLength(1);
  });

  it('a task is refused at the budget like a request (429), and nothing is held', async () => {
    const id = identity();
    await expect(task(id, HOUR, 101 * USD)).resolves.toMatchObject({ reserved: true });
    await expect(task(id, HOUR, USD)).rejects.toMatchObject({ code: 'budget_exceeded' });
    expect(await counter(id, 'key', 'resv')).toBe(101 * USD);
  });
});
