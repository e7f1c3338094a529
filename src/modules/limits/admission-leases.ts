import type { ScriptArgs } from './script-batcher';
import type { LimitView } from './rate-window';

/** The limits of one subject (key or team) as the admission plans them; see LimitsService. */
export interface LeaseSubject {
  base: string;
  rpm: number;
  tpm: number;
  /** -1: no budget. */
  budgetNano: number;
  period: string;
  ttlSeconds: number;
  /** This request's budget reservation. */
  reserveNano: number;
}

/** The rate-limit windows the leased admission of one request leaves, for its `x-ratelimit-*` headers. */
export interface LeasedViews {
  requests: LimitView[];
  tokens: LimitView[];
}

/**
 * Redis' answer to a lease operation: [slots granted, nowMs, then when granted: rpmUsed, rpmResetMs,
 * tpmUsed, tpmResetMs (the windows after the grant), the lease's window entry].
 */
export type LeaseReply = [number, number, number?, number?, number?, number?, string?];

/** Sends one lease operation (values as limits.scripts.ts' LEASE lane reads them). */
export type LeaseSender = (args: ScriptArgs) => Promise<LeaseReply>;

/** How long a lease may be used at most. */
export const LEASE_MS = 2_000;
/** After Redis granted nothing (near a limit, or the spend counter is not seeded), ask again after this. */
const RETRY_MS = 1_000;
const FIRST_SLOTS = 16;
const MIN_SLOTS = 8;
const MAX_SLOTS = 1_024;

interface Lease {
  /** The subject as its limits were when the lease was granted. */
  subject: LeaseSubject;
  /** Its entry in the subject's windows (Redis counted its slots as admissions at its grant time). */
  entry: string;
  grantedMs: number;
  /** Local clock. */
  grantedAt: number;
  expiresAt: number;
  slots: number;
  /** The tokens it was granted (slots × tokens per slot). */
  tokens: number;
  /** Requests admitted with it. */
  used: number;
  /** What is left to admit with: requests, tokens, nano-USD. */
  req: number;
  tok: number;
  nano: number;
  /** Redis' windows after the grant (which counted the whole lease): used and reset, requests and tokens. */
  rc: number;
  rr: number;
  tc: number;
  tr: number;
}

interface SubjectState {
  current?: Lease;
  pending: boolean;
  slots: number;
  retryAt: number;
}

/**
 * Admission leases: this instance takes a share of each busy subject's headroom from Redis ahead of
 * need (some request slots, with their tokens and budget reservation, counted in Redis at once) and
 * admits from it in memory, without a Redis round trip on the request path. The limits stay exact
 * across instances: a lease is counted before it is used, at most 1/LEASE_SHARE of what is left is
 * leased at a time, nothing is leased near a limit (requests are then admitted one by one), and what a
 * lease did not use is given back when it ends (after LEASE_MS, when renewed, or
 * when the subject's limits change). A process that dies holding a lease leaves its unused part
 * counted in the rate windows until 60 s after the grant; its budget part is given back through its lease ledger
 * (limits.scripts.ts) once its heartbeat stops.
 */
export class AdmissionLeases {
  private readonly subjects = new Map<string, SubjectState>();

  constructor(
    private readonly send: LeaseSender,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * Admits one request from the leases of all its subjects, or returns undefined (nothing taken) when
   * one of them has no lease that covers it; then the request is to be admitted one by one, and a lease
   * is asked for in the background.
   */
  take(subjects: LeaseSubject[], estTokens: number): LeasedViews | undefined {
    const now = this.clock();
    let covered = true;
    for (const s of subjects) {
      const state = this.state(s.base);
      if (!covers(state.current, s, estTokens, now)) {
        covered = false;
        this.refill(state, s, estTokens, now, true);
      }
    }
    if (!covered) return undefined;
    const views: LeasedViews = { requests: [], tokens: [] };
    for (const s of subjects) {
      const state = this.subjects.get(s.base)!;
      const lease = state.current!;
      lease.used += 1;
      if (s.rpm > 0) lease.req -= 1;
      if (s.tpm > 0) lease.tok -= estTokens;
      if (s.budgetNano >= 0) lease.nano -= s.reserveNano;
      const since = now - lease.grantedAt;
      if (s.rpm > 0)
        views.requests.push({
          limit: s.rpm,
          used: lease.rc - lease.req,
          resetMs: Math.max(0, lease.rr - since),
        });
      if (s.tpm > 0)
        views.tokens.push({
          limit: s.tpm,
          used: lease.tc - lease.tok,
          resetMs: Math.max(0, lease.tr - since),
        });
      if (runningOut(lease, s, estTokens, now)) this.refill(state, s, estTokens, now, false);
    }
    return views;
  }

  /** Drops every lease without giving anything back (Redis took it back already: see LimitsService). */
  forgetAll(): void {
    this.subjects.clear();
  }

  /** Gives back every lease (shutdown); resolves once Redis has them or failed. */
  async retireAll(): Promise<void> {
    const returns: Promise<unknown>[] = [];
    for (const state of this.subjects.values()) {
      if (state.current) returns.push(this.retire(state.current));
      state.current = undefined;
    }
    this.subjects.clear();
    await Promise.allSettled(returns);
  }

  private state(base: string): SubjectState {
    let state = this.subjects.get(base);
    if (!state) {
      state = { pending: false, slots: FIRST_SLOTS, retryAt: 0 };
      this.subjects.set(base, state);
    }
    return state;
  }

  /**
   * Asks for the next lease (once at a time). A lease that no longer covers requests is given back at
   * once; one that is merely running low keeps serving until its successor arrives.
   */
  private refill(
    state: SubjectState,
    s: LeaseSubject,
    estTokens: number,
    now: number,
    missed: boolean,
  ): void {
    const old = state.current;
    if (missed && old) {
      state.current = undefined;
      // Used up before its time: ask for more next time.
      if (sameLimits(old.subject, s) && now < old.expiresAt)
        state.slots = Math.min(MAX_SLOTS, state.slots * 2);
      void this.retire(old);
    }
    if (state.pending || now < state.retryAt) return;
    state.pending = true;
    const slots = state.slots;
    const args: ScriptArgs = [s.base, s.rpm, s.tpm, s.budgetNano, s.period, s.ttlSeconds, slots];
    const perSlot = { tok: Math.max(1, estTokens), nano: Math.max(1, s.reserveNano) };
    args.push(perSlot.tok, perSlot.nano, '', 0, 0, 0, 0, 0, 0);
    const subject = { ...s };
    this.send(args).then(
      (reply) => this.granted(state, subject, perSlot, reply),
      () => {
        state.pending = false;
        state.retryAt = this.clock() + RETRY_MS;
      },
    );
  }

  private granted(
    state: SubjectState,
    s: LeaseSubject,
    perSlot: { tok: number; nano: number },
    reply: LeaseReply,
  ): void {
    state.pending = false;
    const now = this.clock();
    const [slots, grantedMs, rc, rr, tc, tr] = reply.slice(0, 6).map((v) => Number(v ?? 0));
    if (!(slots > 0)) {
      state.retryAt = now + RETRY_MS;
      return;
    }
    const lease: Lease = {
      subject: s,
      entry: String(reply[6]),
      grantedMs,
      grantedAt: now,
      expiresAt: now + LEASE_MS,
      slots,
      tokens: slots * perSlot.tok,
      used: 0,
      req: slots,
      tok: slots * perSlot.tok,
      nano: slots * perSlot.nano,
      rc,
      rr,
      tc,
      tr,
    };
    if (state.current) void this.retire(state.current);
    state.current = lease;
    setTimeout(() => this.expire(state, lease), Math.max(0, lease.expiresAt - now) + 1).unref();
  }

  private expire(state: SubjectState, lease: Lease): void {
    if (state.current !== lease) return;
    state.current = undefined;
    if (lease.used < lease.slots / 2) state.slots = Math.max(MIN_SLOTS, Math.floor(state.slots / 2));
    void this.retire(lease);
    if (!state.pending && this.subjects.get(lease.subject.base) === state)
      this.subjects.delete(lease.subject.base);
  }

  /** Gives back what the lease did not use; it admits nothing more. */
  private retire(lease: Lease): Promise<unknown> {
    const s = lease.subject;
    const req = s.rpm > 0 ? lease.req : 0;
    const tok = s.tpm > 0 ? lease.tok : 0;
    const nano = s.budgetNano >= 0 ? lease.nano : 0;
    lease.req = lease.tok = lease.nano = 0;
    lease.expiresAt = 0;
    if (req <= 0 && tok <= 0 && nano <= 0) return Promise.resolve();
    const args: ScriptArgs = [s.base, s.rpm, s.tpm, s.budgetNano, s.period, s.ttlSeconds, 0, 0, 0];
    args.push(lease.entry, lease.grantedMs, lease.slots, req, lease.tokens, tok, nano);
    return this.send(args).catch(() => undefined);
  }
}

/** The limits (and budget period) a lease was granted under are still the subject's. */
function sameLimits(a: LeaseSubject, b: LeaseSubject): boolean {
  return a.rpm === b.rpm && a.tpm === b.tpm && a.budgetNano === b.budgetNano && a.period === b.period;
}

/** The lease can admit this request for the subject now. */
function covers(lease: Lease | undefined, s: LeaseSubject, estTokens: number, now: number): lease is Lease {
  return (
    lease !== undefined &&
    now < lease.expiresAt &&
    sameLimits(lease.subject, s) &&
    (s.rpm <= 0 || lease.req >= 1) &&
    (s.tpm <= 0 || lease.tok >= estTokens) &&
    (s.budgetNano < 0 || lease.nano >= s.reserveNano)
  );
}

/** Less than a quarter of the lease is left, in requests or in time: time to ask for the next. */
function runningOut(lease: Lease, s: LeaseSubject, estTokens: number, now: number): boolean {
  if (lease.expiresAt - now < LEASE_MS / 4) return true;
  if (s.rpm > 0 && lease.req * 4 < lease.slots) return true;
  if (s.tpm > 0 && lease.tok < (lease.slots * Math.max(1, estTokens)) / 4) return true;
  return s.budgetNano >= 0 && lease.nano < (lease.slots * Math.max(1, s.reserveNano)) / 4;
}
