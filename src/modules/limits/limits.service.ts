import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { GatewayError } from '../../common/errors/gateway-error';
import { LOGGER } from '../../common/logging/logger.module';
import type { Logger } from '../../common/logging/logger';
import { APP_CONFIG } from '../../config/app-config';
import type { AppConfig } from '../../config/config.types';
import { PrismaService } from '../../database/prisma.service';
import { redisConnection } from '../../database/redis-options';
import { closeRedis } from '../../database/redis.service';
import type { Identity, LimitSettings } from '../auth/identity';
import { budgetResetAt, currentPeriodStart } from '../usage/budget-period';
import { toNanoUsd } from '../usage/pricing/cost';
import { serializeUsageEvent, usageStreamKey } from '../usage/usage-stream';
import type { UsageEvent } from '../usage/usage-event';
import {
  LEASE_HEARTBEAT_LUA,
  LEDGER_HEARTBEAT_MS,
  LIMITS_LUA,
  limitsScriptArgs,
  mergeSettlementSums,
  RESERVATION_TTL_MS,
  SEED_SPEND_LUA,
} from './limits.scripts';
import { periodSpendSql } from '../usage/spend-pending';
import { AdmissionLeases, type LeaseReply } from './admission-leases';
import {
  parseReservationRecord,
  reservationOutcome,
  type ReservationOutcome,
  type ReservationRecord,
} from './reservation-record';
import { ScriptBatcher, type LaneMerger, type ScriptArgs } from './script-batcher';
import { isScriptFault, SCRIPT_FAULT_WINDOW_MS } from './script-fault';
import { rateLimitHeaders, retryAfterSeconds, type LimitView } from './rate-window';

interface SubjectPlan {
  kind: 'key' | 'team';
  id: string;
  base: string;
  rpm: number;
  tpm: number;
  /** -1: no budget. */
  budgetNano: number;
  period: string;
  periodStart?: Date;
  reserveNano: number;
  ttlSeconds: number;
}

/** What the admission decided; handed back at settlement. */
export interface Admission {
  eventId: string;
  /** Redis took the admission: each budget subject holds its `reserveNano` until settlement. */
  reserved: boolean;
  /** Admitted from this instance's leases (AdmissionLeases) rather than one by one. */
  leased: boolean;
  /** For a leased admission: the lease ledger (instance id) its reservation is recorded in. */
  ledger?: string;
  /**
   * The id of its reservation record in Redis (the event id), when it has one: admitted one by one with
   * a budget reserved, or a task's (reserveForTask). Any instance can settle or release it by this id.
   */
  reservationId?: string;
  /** The record's deadline (epoch ms, Redis' clock): past it, a sweep gives the reservation back. */
  deadlineMs?: number;
  /** A task's (reserveForTask): settle() and release() go by its record's id. */
  task?: boolean;
  subjects: SubjectPlan[];
  estTokens: number;
  /** `x-ratelimit-*` headers for the response (empty when no rate limit applies). */
  headers: Record<string, string>;
}

export interface AdmitRequest {
  eventId: string;
  identity: Identity;
  /** Estimated prompt tokens (counted toward tpm at admission). */
  promptTokens: number;
  /** Budget reservation (contract §9.22), nano-USD. */
  reserveNano: number;
}

/** A reservation held for a task settled later, possibly by another process (reserveForTask). */
export interface TaskReservationRequest extends AdmitRequest {
  /** How long the reservation is held before a sweep gives it back (ms from admission). */
  holdMs: number;
}

type AdmitReply = [string, number, number, ...number[]];

interface LimitsRedis extends Redis {
  /**
   * Settlements, summed settlements, lease operations, admissions (see limits.scripts.ts) → their
   * replies, lane by lane, then [how many expired reservations the call freed, 1 when more may be due].
   */
  sbLimits(
    ...args: Array<string | number>
  ): Promise<[Array<number | string>, number[], LeaseReply[], AdmitReply[], [number, number]]>;
  /** Seeds a spend counter unless it exists (SEED_SPEND_LUA). */
  sbSeedSpend(counter: string, seeded: string, nano: number, ttl: number, ...ids: string[]): Promise<number>;
  /** Renews this instance's lease-ledger heartbeat (LEASE_HEARTBEAT_LUA). */
  sbLeaseBeat(aliveKey: string, instance: string): Promise<number>;
}

/** The lanes of the batched script, in the order it handles them. */
const SETTLE_LANE = 0;
/** Settlements needing no check of their own, summed per batch (mergeSettlementSums). */
const SETTLE_SUM_LANE = 1;
const LEASE_LANE = 2;
const ADMIT_LANE = 3;
const LANES = 4;

/** A settlement in flight: `sent` once it would survive a crash of this process, `settled` with the reply. */
export interface Settlement {
  sent: Promise<void>;
  settled: Promise<void>;
  /** The batch it went out in (once sent): a retry names it, so that it counts only if that one did not run. */
  batchId(): string | undefined;
}

/**
 * Rate limits (rpm/tpm, sliding minute) and budgets (reserve → settle) for keys and teams, in one Lua
 * script: a request is admitted before the upstream call and settled after it (which also appends the
 * usage event to the stream). A subject far from its limits is admitted from this instance's leases
 * (AdmissionLeases: no Redis round trip on the request path); near a limit, one by one. The admissions,
 * lease operations and settlements of one event-loop turn, from all requests, share one command
 * (ScriptBatcher): one Redis round trip per turn.
 * Redis is the budget truth on the hot path; a missing spend counter is seeded from Postgres for the
 * current period.
 */
@Injectable()
export class LimitsService implements OnModuleDestroy {
  private readonly redis: LimitsRedis;
  private readonly prefix: string;
  private readonly failOpen: boolean;
  /** False with SWITCHBOARD_METERING=off (benchmarks, diagnostics): no limits, budgets or usage records. */
  readonly enabled: boolean;
  /** Set once the connection has been ready: from then on, "not ready" means Redis is unreachable. */
  private everReady = false;
  /** Until when the limits scripts count as failing (the last script fault + the window). */
  private scriptFaultUntil = 0;
  readonly streamKey: string;
  private readonly settledPrefix: string;
  /** This process among the instances sharing Redis (batch ids, lease ledger); see newLedger(). */
  private instance = randomBytes(6).toString('hex');
  private readonly ledgerPrefix: string;
  private readonly heartbeat?: NodeJS.Timeout;
  private readonly batcher: ScriptBatcher;
  private readonly leases: AdmissionLeases;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly prisma: PrismaService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.prefix = config.redisPrefix;
    this.failOpen = config.limitsOnRedisFailure !== 'closed';
    this.enabled = config.metering !== false;
    if (!this.enabled)
      logger.warn(
        { env: 'SWITCHBOARD_METERING' },
        'metering is off: no rate limits, budgets or usage records (benchmarks and diagnostics only)',
      );
    this.streamKey = usageStreamKey(config.redisPrefix);
    this.settledPrefix = `${this.prefix}:usage:settled:`;
    this.ledgerPrefix = `${this.prefix}:lease:`;
    // No auto-pipelining: the batcher already sends one command per turn, written at once.
    const redis = redisConnection(config, 'limits', {
      maxRetriesPerRequest: 1,
      commandTimeout: 2_000,
      // CLIENT SETINFO fails on Redis < 7.2, and ioredis keeps the timeout timer of a failed command
      // running (2 s that hold a closing process open).
      disableClientInfo: true,
    });
    redis.on('error', () => undefined);
    redis.on('ready', () => (this.everReady = true));
    redis.defineCommand('sbLimits', { numberOfKeys: 1, lua: LIMITS_LUA });
    redis.defineCommand('sbLeaseBeat', { numberOfKeys: 1, lua: LEASE_HEARTBEAT_LUA });
    redis.defineCommand('sbSeedSpend', { numberOfKeys: 2, lua: SEED_SPEND_LUA });
    this.redis = redis as LimitsRedis;
    this.batcher = new ScriptBatcher(
      LANES,
      (lanes, batchId) =>
        this.redis.sbLimits(
          ...limitsScriptArgs(
            [this.streamKey, this.settledPrefix, batchId, this.ledgerPrefix, this.instance, ''],
            lanes,
          ),
        ),
      () => this.written(),
      `${this.instance}.`,
      128,
      mergersByLane({ [SETTLE_SUM_LANE]: mergeSettlementSums }),
    );
    this.leases = new AdmissionLeases(async (args) => {
      const ledger = this.instance;
      const reply = await this.batcher.call<LeaseReply>(LEASE_LANE, args).reply;
      if (reply[0] !== -1) return reply;
      if (ledger === this.instance) this.newLedger();
      return [0, reply[1]];
    });
    if (this.enabled) {
      // Keeps this instance's lease ledger from being reclaimed while it lives, traffic or not.
      this.heartbeat = setInterval(() => {
        if (this.redis.status === 'ready')
          this.redis.sbLeaseBeat(`${this.ledgerPrefix}alive`, this.instance).catch(() => undefined);
      }, LEDGER_HEARTBEAT_MS);
      this.heartbeat.unref();
    }
  }

  /** True once what was written to Redis has left the process; false while not connected (queued). */
  private written(): Promise<boolean> {
    const stream = (this.redis as unknown as { stream?: NodeJS.WritableStream & { writableLength: number } })
      .stream;
    if (this.redis.status !== 'ready' || !stream) return Promise.resolve(false);
    if (stream.writableLength === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (left: boolean) => () => {
        stream.off('drain', onDrain);
        stream.off('close', onClose);
        resolve(left);
      };
      const onDrain = done(true);
      const onClose = done(false);
      stream.on('drain', onDrain);
      stream.on('close', onClose);
    });
  }

  /**
   * Checks and counts the request against every rate limit and budget of the key and its team, and
   * reserves the budget estimate, atomically. Throws 429 (`rate_limit_exceeded` / `budget_exceeded`)
   * with `Retry-After` and the rate-limit headers, or 503 when Redis is down and limits fail closed.
   */
  async admit(req: AdmitRequest): Promise<Admission> {
    if (!this.enabled) return this.unmetered(req.eventId);
    const subjects = this.plan(req);
    const estTokens = Math.max(0, Math.ceil(req.promptTokens));
    const admission: Admission = {
      eventId: req.eventId,
      reserved: false,
      leased: false,
      subjects,
      estTokens,
      headers: {},
    };
    // `closed` refuses every metered request it could not account for, also one a lease would cover.
    if (!this.failOpen && this.redisDown) throw this.unavailable();
    if (subjects.length === 0) return admission;
    const leased = this.leases.take(subjects, estTokens);
    if (leased) {
      admission.reserved = admission.leased = true;
      admission.ledger = this.instance;
      admission.headers = rateLimitHeaders(leased.requests, leased.tokens);
      return admission;
    }
    let reply: AdmitReply;
    try {
      reply = await this.admitInRedis(admission, 0, false);
    } catch (err) {
      if (err instanceof GatewayError) throw err;
      if (isScriptFault(err)) throw this.scriptFault(err);
      this.logger.warn(
        { err: err instanceof Error ? err.message : String(err), fail: this.failOpen ? 'open' : 'closed' },
        'limits: Redis unavailable',
      );
      if (!this.failOpen) throw this.unavailable();
      // Served without limits. Nothing was counted or reserved: settlement (retried until Redis is back)
      // counts the whole request's tokens and cost for these subjects.
      return { ...admission, estTokens: 0 };
    }
    admission.headers = replyHeaders(subjects, reply);
    if (reply[0] === 'ok') {
      admission.reserved = true;
      return admission;
    }
    throw this.refusal(admission, reply);
  }

  /**
   * Reserves a task's budget estimate for `holdMs` (hours, for a video task) and checks and counts it
   * like a request (rate limits included), always one by one: the reservation is a record in Redis that
   * any instance settles or releases by its id (settleReservation, releaseReservation), exactly once;
   * the owner's death does not give it back, its deadline does. Refused (429) like admit(); with Redis
   * unreachable, refused (503) whatever SWITCHBOARD_LIMITS_ON_REDIS_FAILURE says, as nothing could be
   * held.
   */
  async reserveForTask(req: TaskReservationRequest): Promise<Admission> {
    if (!this.enabled) return this.unmetered(req.eventId);
    if (!(req.holdMs > 0)) throw new Error('reserveForTask: holdMs must be positive');
    const admission: Admission = {
      eventId: req.eventId,
      reserved: false,
      leased: false,
      subjects: this.plan(req),
      estTokens: Math.max(0, Math.ceil(req.promptTokens)),
      headers: {},
    };
    let reply: AdmitReply;
    try {
      reply = await this.admitInRedis(admission, Math.ceil(req.holdMs), true);
    } catch (err) {
      if (err instanceof GatewayError) throw err;
      throw this.unavailable();
    }
    admission.headers = replyHeaders(admission.subjects, reply);
    if (reply[0] !== 'ok') throw this.refusal(admission, reply);
    admission.reserved = admission.task = true;
    return admission;
  }

  /**
   * Admits one by one in Redis (ADMIT lane), seeding missing spend counters; on 'ok' with a record
   * written, sets the admission's reservation id and deadline.
   */
  private async admitInRedis(admission: Admission, holdMs: number, task: boolean): Promise<AdmitReply> {
    const subjects = admission.subjects;
    const args: ScriptArgs = [admission.eventId, subjects.length, admission.estTokens, holdMs, task ? 1 : 0];
    for (const s of subjects)
      args.push(s.base, s.rpm, s.tpm, s.budgetNano, s.period, s.reserveNano, s.ttlSeconds);
    if (this.redisDown) throw new Error('Redis connection is down');
    let reply = await this.batcher.call<AdmitReply>(ADMIT_LANE, args).reply;
    for (let seeds = 0; reply[0] === 'seed' && seeds < subjects.length; seeds++) {
      await this.seedSpend(subjects[Number(reply[1])]);
      reply = await this.batcher.call<AdmitReply>(ADMIT_LANE, args).reply;
    }
    if (reply[0] === 'ok' && (task || subjects.some((s) => s.budgetNano >= 0 && s.reserveNano > 0))) {
      admission.reservationId = admission.eventId;
      admission.deadlineMs = Number(reply[2]) + (holdMs > 0 ? holdMs : RESERVATION_TTL_MS);
    }
    return reply;
  }

  /** The 429 for a refused admission. */
  private refusal(admission: Admission, reply: AdmitReply): GatewayError {
    const [verdict, who] = reply;
    const s = admission.subjects[Number(who)];
    if (verdict === 'budget') {
      const retry =
        s.periodStart && s.ttlSeconds > 0 ? retryAfterSeconds(s.ttlSeconds * 1000 - 86_400_000) : undefined;
      return new GatewayError(
        'budget_exceeded',
        `Budget exceeded for this ${s.kind}: spend has reached max_budget_usd`,
        {
          retryAfterSeconds: retry,
          headers: admission.headers,
        },
      );
    }
    const c = 3 + Number(who) * 4;
    const waitMs = Number(verdict === 'rpm' ? reply[c + 1] : reply[c + 3]);
    const what = verdict === 'rpm' ? `${s.rpm} requests per minute` : `${s.tpm} tokens per minute`;
    return new GatewayError('rate_limit_exceeded', `Rate limit reached for this ${s.kind}: ${what}`, {
      retryAfterSeconds: retryAfterSeconds(waitMs),
      headers: admission.headers,
    });
  }

  /** The admission of a request nothing is checked or reserved for (SWITCHBOARD_METERING=off). */
  unmetered(eventId: string): Admission {
    return { eventId, reserved: false, leased: false, subjects: [], estTokens: 0, headers: {} };
  }

  /**
   * Redis is known to be unreachable: the connection was ready once and is not now (it is
   * reconnecting). Checked before each call so that requests fail fast instead of queueing behind
   * reconnection attempts; before the first connection, commands wait in ioredis' offline queue.
   */
  get redisDown(): boolean {
    return this.everReady && this.redis.status !== 'ready';
  }

  /** False while the limits scripts fail on the server (a script fault in the last 10 s): readiness. */
  get scriptsRunning(): boolean {
    return Date.now() >= this.scriptFaultUntil;
  }

  /** A script Redis refused to run: never served through, whatever the failure mode says. */
  private scriptFault(err: unknown): GatewayError {
    this.scriptFaultUntil = Date.now() + SCRIPT_FAULT_WINDOW_MS;
    this.logger.error(
      { err: err instanceof Error ? err.message : String(err) },
      'limits: Redis refused the limits script; requests are refused until it runs',
    );
    return this.unavailable();
  }

  private unavailable(): GatewayError {
    return new GatewayError(
      'service_unavailable',
      'Rate limits and budgets cannot be checked right now (Redis unavailable)',
    );
  }

  /**
   * Settles the reservation to the real cost, counts the tokens beyond the admission estimate, and
   * appends the usage event to the stream — one script, one round trip, idempotent on the event id.
   * `sent` resolves once the command has left this process (so it reaches Redis even if the process
   * dies right after), or with the reply when that cannot be known; both reject when Redis is down.
   * `mayBeSeeded`: the event may be in Postgres already (written there during a Redis outage), so a spend
   * counter seeded from Postgres since may include it: its spend is added only where the seed did not
   * mark it as counted.
   */
  settle(
    admission: Admission | undefined,
    event: UsageEvent,
    earlierBatches: string[] = [],
    mayBeSeeded = false,
  ): Settlement {
    if (admission?.task) return this.callSettle(SETTLE_LANE, settleByIdArgs(event, mayBeSeeded));
    const subjects = admission?.subjects ?? [];
    const costNano = toNanoUsd(event.costUsd || '0');
    const total = (event.usage?.promptTokens ?? 0) + (event.usage?.completionTokens ?? 0);
    const extra = Math.max(0, total - (admission?.estTokens ?? 0));
    const leased = admission?.leased ? 1 : 0;
    const payload = serializeUsageEvent(event);
    if (!mayBeSeeded && summable(admission, earlierBatches)) {
      const sum: ScriptArgs = [payload, subjects.length];
      for (const s of subjects)
        sum.push(
          s.base,
          s.period,
          s.tpm > 0 ? extra : 0,
          s.budgetNano >= 0 ? costNano : 0,
          this.holds(admission, s),
        );
      return this.callSettle(SETTLE_SUM_LANE, sum);
    }
    const args: ScriptArgs = [event.id, payload, subjects.length, extra, leased];
    args.push(earlierBatches.join(','), mayBeSeeded ? 1 : 0);
    for (const s of subjects)
      args.push(
        s.base,
        s.tpm > 0 ? 1 : 0,
        s.budgetNano >= 0 ? 1 : 0,
        s.period,
        costNano,
        this.holds(admission, s),
      );
    return this.callSettle(SETTLE_LANE, args);
  }

  /** Releases a reservation for a request that was never sent upstream (no usage record, no spend). */
  async release(admission: Admission): Promise<void> {
    if (admission.task) {
      await this.releaseReservation(admission.eventId);
      return;
    }
    if (admission.subjects.length === 0) return;
    if (summable(admission, [])) {
      const sum: ScriptArgs = ['', admission.subjects.length];
      for (const s of admission.subjects) sum.push(s.base, s.period, 0, 0, this.holds(admission, s));
      await this.callSettle(SETTLE_SUM_LANE, sum).settled;
      return;
    }
    const args: ScriptArgs = [
      admission.eventId,
      '',
      admission.subjects.length,
      0,
      admission.leased ? 1 : 0,
      '',
      0,
    ];
    for (const s of admission.subjects) args.push(s.base, 0, 0, s.period, 0, this.holds(admission, s));
    await this.callSettle(SETTLE_LANE, args).settled;
  }

  /**
   * Settles a reservation record by its id, from any instance: `event.id` is the reservation's id (its
   * admission's event id). Frees what the record holds (through its owner's ledger for a request's),
   * counts the event's cost against each budget subject and its tokens beyond the estimate against each
   * tpm limit, and appends the event to the usage stream, atomically and exactly once (a repeat reports
   * `already-settled` and counts nothing; a race with releaseReservation has one winner). An expired
   * record still counts the spend, once. With no record (`unknown`) the event is still appended (the
   * writer keeps one record per id), counting nothing. Rejects while Redis is unreachable: retry it.
   */
  async settleReservation(event: UsageEvent): Promise<ReservationOutcome> {
    if (!this.enabled) return 'unknown';
    return reservationOutcome(await this.callSettle(SETTLE_LANE, settleByIdArgs(event, false)).reply);
  }

  /** Releases a reservation record by its id, from any instance, exactly once (see settleReservation). */
  async releaseReservation(id: string): Promise<ReservationOutcome> {
    if (!this.enabled) return 'unknown';
    return reservationOutcome(await this.callSettle(SETTLE_LANE, [id, '', -1, 0, 0, 0]).reply);
  }

  /** The reservation record, as Redis holds it now (undefined when there is none). */
  async reservation(id: string): Promise<ReservationRecord | undefined> {
    return parseReservationRecord(id, await this.redis.hgetall(`${this.ledgerPrefix}reservation:${id}`));
  }

  /**
   * Gives back the reservations whose deadline passed (and the ledgers of instances that died), marking
   * them expired; returns how many. Every script call does a little of this; the worker role also calls
   * it on an interval (ReservationSweeper). Atomic per call: sweepers on several replicas free each
   * reservation once, and never one settled or released before.
   */
  async sweepReservations(maxCalls = 100): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxCalls; i++) {
      const head = [
        this.streamKey,
        this.settledPrefix,
        `${this.instance}.sweep`,
        this.ledgerPrefix,
        this.instance,
        '',
      ];
      const [, , , , [expired, more]] = await this.redis.sbLimits(
        ...limitsScriptArgs(head, [[], [], [], []]),
      );
      total += Number(expired);
      if (!Number(more)) break;
    }
    return total;
  }

  /**
   * What a settlement frees for the subject: the admission's reservation, except for a lease whose
   * ledger was given back since (newLedger): Redis already took that back.
   */
  private holds(admission: Admission | undefined, s: SubjectPlan): number {
    if (admission?.leased && admission.ledger !== this.instance) return 0;
    return held(admission, s);
  }

  /**
   * Redis gave this instance's lease ledger back while it ran (it stalled past its heartbeat deadline)
   * and refuses it leases: continue under a new id, dropping the leases of the old one without giving
   * anything back (Redis has it back already), and free nothing for requests admitted from them.
   */
  private newLedger(): void {
    this.instance = randomBytes(6).toString('hex');
    this.leases.forgetAll();
    this.logger.warn(
      {},
      "limits: this instance's lease ledger was given back (stalled past its heartbeat deadline); starting a new one",
    );
  }

  private callSettle(lane: number, args: ScriptArgs): Settlement & { reply: Promise<unknown> } {
    if (this.redisDown) {
      const down = Promise.reject(new Error('Redis connection is down'));
      down.catch(() => undefined);
      return { sent: down, settled: down, reply: down, batchId: () => undefined };
    }
    const call = this.batcher.call<unknown>(lane, args);
    const settled = call.reply.then(() => undefined);
    const sent = call.sent.then((left) => (left ? undefined : settled));
    sent.catch(() => undefined);
    return { sent, settled, reply: call.reply, batchId: () => call.batchId };
  }

  private plan(req: AdmitRequest): SubjectPlan[] {
    const out: SubjectPlan[] = [];
    const id = req.identity;
    const reserveNano = req.reserveNano;
    if (id.keyId && id.keyLimits) out.push(...this.subject('key', id.keyId, id.keyLimits, reserveNano));
    if (id.teamId && id.teamLimits) out.push(...this.subject('team', id.teamId, id.teamLimits, reserveNano));
    return out;
  }

  private subject(kind: 'key' | 'team', id: string, l: LimitSettings, reserveNano: number): SubjectPlan[] {
    const rpm = l.rpmLimit ?? 0;
    const tpm = l.tpmLimit ?? 0;
    const hasBudget = l.maxBudgetUsd !== undefined && l.maxBudgetUsd !== null;
    if (!rpm && !tpm && !hasBudget) return [];
    let period = 'all';
    let periodStart: Date | undefined;
    let ttlSeconds = 0;
    if (hasBudget && l.budgetDuration) {
      const now = Date.now();
      const p = budgetPeriodOf(l, now);
      periodStart = p.start;
      period = p.key;
      ttlSeconds = Math.ceil((p.resetsAt - now) / 1000) + 86_400;
    }
    return [
      {
        kind,
        id,
        base: `${this.prefix}:lim:${kind}:${id}`,
        rpm,
        tpm,
        budgetNano: hasBudget ? toNanoUsd(l.maxBudgetUsd!) : -1,
        period,
        periodStart,
        reserveNano: hasBudget ? reserveNano : 0,
        ttlSeconds,
      },
    ];
  }

  /**
   * Seeds a missing spend counter from Postgres (the sum of the period's records), marking the records
   * whose settlement may still come (usage_spend_pending) as counted, in the same step as the counter.
   */
  private async seedSpend(s: SubjectPlan): Promise<void> {
    let nano = 0;
    let pending: string[] = [];
    let ttl = s.ttlSeconds;
    try {
      const rows = await this.prisma.$queryRawUnsafe<Array<{ s: string; pending: string[] }>>(
        periodSpendSql(s.kind === 'key' ? 'key_id' : 'team_id'),
        s.id,
        s.periodStart ?? new Date(0),
      );
      nano = toNanoUsd(rows[0]?.s ?? '0');
      pending = rows[0]?.pending ?? [];
    } catch (err) {
      // Postgres unreachable: count from zero for a short while, then seed again.
      this.logger.warn(
        { err: err instanceof Error ? err.message : String(err) },
        'limits: spend seed from Postgres failed',
      );
      ttl = 30;
    }
    await this.redis.sbSeedSpend(
      `${s.base}:spend:${s.period}`,
      `${s.base}:seeded:${s.period}`,
      nano,
      ttl,
      ...pending,
    );
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.heartbeat);
    // Gives the unused part of the leases back (bounded: shutdown does not wait on an unreachable Redis).
    if (this.redis.status === 'ready')
      await Promise.race([this.leases.retireAll(), new Promise((r) => setTimeout(r, 1_000).unref())]);
    await closeRedis(this.redis);
  }
}

interface BudgetPeriod {
  start: Date;
  /** The period's name in Redis keys (its start, epoch ms). */
  key: string;
  resetsAt: number;
}

/** The current budget period of each settings object (identities are cached, so this is per key). */
const budgetPeriods = new WeakMap<LimitSettings, BudgetPeriod>();

function budgetPeriodOf(l: LimitSettings, now: number): BudgetPeriod {
  let p = budgetPeriods.get(l);
  if (!p || now >= p.resetsAt || now < p.start.getTime()) {
    const at = new Date(now);
    const start = currentPeriodStart(l.budgetPeriodStart, l.budgetDuration!, at);
    const resetsAt = budgetResetAt(l.budgetPeriodStart, l.budgetDuration!, at).getTime();
    p = { start, key: String(start.getTime()), resetsAt };
    budgetPeriods.set(l, p);
  }
  return p;
}

/** A settlement by the reservation record's id (SETTLE lane, n = -1): the event's id is the record's. */
function settleByIdArgs(event: UsageEvent, mayBeSeeded: boolean): ScriptArgs {
  const tokens = (event.usage?.promptTokens ?? 0) + (event.usage?.completionTokens ?? 0);
  const costNano = toNanoUsd(event.costUsd || '0');
  return [event.id, serializeUsageEvent(event), -1, costNano, tokens, mayBeSeeded ? 1 : 0];
}

/** The `x-ratelimit-*` headers of an ADMIT reply. */
function replyHeaders(subjects: SubjectPlan[], reply: AdmitReply): Record<string, string> {
  const rpmViews: LimitView[] = [];
  const tpmViews: LimitView[] = [];
  subjects.forEach((s, i) => {
    const c = 3 + i * 4;
    if (s.rpm > 0) rpmViews.push({ limit: s.rpm, used: Number(reply[c]), resetMs: Number(reply[c + 1]) });
    if (s.tpm > 0) tpmViews.push({ limit: s.tpm, used: Number(reply[c + 2]), resetMs: Number(reply[c + 3]) });
  });
  return rateLimitHeaders(rpmViews, tpmViews);
}

function mergersByLane(byLane: Record<number, LaneMerger>): Array<LaneMerger | undefined> {
  return Array.from({ length: LANES }, (_, lane) => byLane[lane]);
}

/**
 * A settlement the script need not check on its own, so it can be summed with the batch's others: a
 * first attempt (no earlier batch to look for) whose admission holds no per-request reservation marker
 * (it was leased, or reserved no budget). The others are checked one by one (SETTLE lane).
 */
function summable(admission: Admission | undefined, earlierBatches: string[]): boolean {
  if (earlierBatches.length > 0) return false;
  if (!admission || admission.leased) return true;
  return admission.subjects.every((s) => held(admission, s) === 0);
}

/** What the subject's admission reserved and settlement must give back (0 when nothing was reserved). */
function held(admission: Admission | undefined, s: SubjectPlan): number {
  return admission?.reserved && s.budgetNano >= 0 ? s.reserveNano : 0;
}
