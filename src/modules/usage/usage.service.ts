import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { LOGGER } from '../../common/logging/logger.module';
import type { Logger } from '../../common/logging/logger';
import { SqlPool } from '../../database/sql-pool.service';
import { LimitsService, type Admission, type Settlement } from '../limits/limits.service';
import type { ReservationOutcome } from '../limits/reservation-record';
import { MetricsService } from '../metrics/metrics.service';
import type { UsageEvent } from './usage-event';
import { INSERT_USAGE_SQL, usageInsertParams } from './usage-stream';
import { CLEAR_SPEND_PENDING_SQL, MARK_SPEND_PENDING_SQL } from './spend-pending';

const RETRY_MS = 1_000;
/** Events kept for settlement while Redis is down; beyond this, the oldest already in Postgres are let go. */
const MAX_SPILL = 100_000;
/** How long a request waits for its event to reach Postgres while Redis is down. */
const PERSIST_WAIT_MS = 1_000;

interface Pending {
  event: UsageEvent;
  admission?: Admission;
  /** Already written to Postgres (Redis was down); settlement still appends it to the stream, which the writer then skips. */
  persisted?: boolean;
  /** The batches earlier attempts went out in (a retry counts only if none of them ran). */
  batches: string[];
}

/**
 * Records one usage event per metered request: settlement of the budget reservation and the append of
 * the event to the Redis usage stream happen in one script call (LimitsService.settle); the worker
 * (UsageWriter) moves the stream into Postgres. While Redis is unreachable, events wait in memory and
 * are retried every second (settlement is idempotent on the event id); meanwhile each retry round
 * writes the waiting events straight to Postgres (idempotent on the id, so the writer skips them once
 * the stream delivers them), so records land during the outage and survive a crash. At shutdown, what
 * is still waiting is written to Postgres too.
 */
@Injectable()
export class UsageService implements OnModuleDestroy {
  private spill: Pending[] = [];
  private readonly persistQueue: Array<{ item: Pending; resolve: () => void }> = [];
  private persisting = false;
  private timer?: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly limits: LimitsService,
    private readonly sql: SqlPool,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Records the event and resolves once it would survive a crash of this process: the settlement (which
   * appends it to the Redis usage stream) has left the process, or, with Redis down, it was written to
   * Postgres (waits at most PERSIST_WAIT_MS; with both down it stays in memory and is retried). Never
   * rejects. The request path awaits it before the client's answer completes, so a request that got its
   * answer always has its record; Redis' reply is not waited for (a failed settlement is retried here).
   * With SWITCHBOARD_METERING=off, only the metrics are counted.
   */
  commit(event: UsageEvent, admission?: Admission): Promise<void> {
    this.metrics.observe(event);
    if (!this.limits.enabled) return Promise.resolve();
    let fallback: Promise<void> | undefined;
    const settlement = this.limits.settle(admission, event);
    const onFailure = (err: unknown): Promise<void> => {
      if (fallback) return fallback;
      if (this.spill.length === 0)
        this.logger.warn(
          { err: err instanceof Error ? err.message : String(err), id: event.id },
          'usage: settle failed; events wait in memory (written to Postgres meanwhile) and are retried',
        );
      const item: Pending = { event, admission, batches: sentIn(settlement) };
      this.spill.push(item);
      this.schedule();
      fallback = this.persistSoon(item);
      return fallback;
    };
    const { sent, settled } = settlement;
    const tracked: Promise<void> = settled.catch(onFailure).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    return sent.catch(onFailure);
  }

  /** `commit` without waiting. */
  record(event: UsageEvent, admission?: Admission): void {
    void this.commit(event, admission);
  }

  /** Gives back the reservation of a request that never reached a provider. */
  release(admission: Admission): void {
    if (admission.subjects.length === 0 && !admission.task) return;
    const p = this.limits
      .release(admission)
      .catch((err: unknown) =>
        this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'usage: release failed'),
      )
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /**
   * Records a task's usage event against its reservation record, from any process (a worker settling a
   * task another instance admitted): `event.id` is the reservation's id. Exactly once; see
   * LimitsService.settleReservation. Rejects while Redis is unreachable (the caller retries: the
   * settlement is idempotent on the id). The metrics count the event on the first settlement only.
   */
  async settleReservation(event: UsageEvent): Promise<ReservationOutcome> {
    const outcome = await this.limits.settleReservation(event);
    if (outcome === 'settled' || outcome === 'unknown') this.metrics.observe(event);
    return outcome;
  }

  /** Gives back a task's reservation by its id, from any process, exactly once (never sent upstream). */
  releaseReservation(id: string): Promise<ReservationOutcome> {
    return this.limits.releaseReservation(id);
  }

  /** Events waiting for Redis (for metrics). */
  get spilled(): number {
    return this.spill.length;
  }

  private schedule(): void {
    if (!this.timer) this.timer = setTimeout(() => void this.retry(), RETRY_MS);
  }

  private async retry(): Promise<void> {
    this.timer = undefined;
    const batch = this.spill.splice(0, this.spill.length);
    const settled: string[] = [];
    for (const [i, item] of batch.entries()) {
      // It may be in Postgres already: a spend counter seeded from there counts it, and says so.
      const settlement = this.limits.settle(item.admission, item.event, item.batches, true);
      try {
        await settlement.settled;
        settled.push(item.event.id);
      } catch {
        item.batches.push(...sentIn(settlement));
        const left = batch.slice(i);
        this.spill.unshift(...left);
        await this.persist(left);
        this.trim();
        this.schedule();
        break;
      }
    }
    await this.clearSpendPending(settled);
  }

  /** Their settlement ran: no seed needs to mark them any more (best effort: a row left only costs a marker). */
  private async clearSpendPending(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.sql.query(CLEAR_SPEND_PENDING_SQL, [ids]).catch(() => undefined);
  }

  /** Queues one event for the next batched Postgres write; resolves when written, or after PERSIST_WAIT_MS. */
  private persistSoon(item: Pending): Promise<void> {
    const written = new Promise<void>((resolve) => this.persistQueue.push({ item, resolve }));
    if (!this.persisting) void this.drainPersistQueue();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, PERSIST_WAIT_MS);
      timer.unref();
    });
    return Promise.race([written, timeout]).finally(() => clearTimeout(timer));
  }

  private async drainPersistQueue(): Promise<void> {
    this.persisting = true;
    try {
      while (this.persistQueue.length) {
        const batch = this.persistQueue.splice(0, 1_000);
        await this.persist(batch.map((b) => b.item));
        for (const b of batch) b.resolve();
      }
    } finally {
      this.persisting = false;
    }
  }

  /** Writes the waiting events not yet in Postgres (one statement); they stay queued for settlement. */
  private async persist(items: Pending[]): Promise<void> {
    const todo = items.filter((p) => !p.persisted);
    if (todo.length === 0) return;
    try {
      // Marked before the records are visible: a spend seed that sees a record knows its settlement may come.
      await this.sql.query(MARK_SPEND_PENDING_SQL, [todo.map((p) => p.event.id)]);
      await this.sql.query(INSERT_USAGE_SQL, usageInsertParams(todo.map((p) => p.event)));
      for (const p of todo) p.persisted = true;
    } catch (err) {
      this.logger.warn(
        { err: err instanceof Error ? err.message : String(err), count: todo.length },
        'usage: Redis and Postgres both unreachable; events kept in memory',
      );
    }
  }

  /** Bounds memory in a long outage: persisted events beyond MAX_SPILL give up their settlement. */
  private trim(): void {
    let over = this.spill.length - MAX_SPILL;
    if (over <= 0) return;
    const before = this.spill.length;
    this.spill = this.spill.filter((p) => !(p.persisted && over-- > 0));
    this.logger.warn(
      { dropped: before - this.spill.length },
      'usage: Redis outage too long; oldest recorded events will not count toward budgets',
    );
  }

  /** Waits for in-flight settlements (tests and shutdown). */
  async drain(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  async onModuleDestroy(): Promise<void> {
    await this.drain();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.spill.length === 0) return;
    await this.retry();
    if (this.timer) clearTimeout(this.timer);
    const left = this.spill.splice(0, this.spill.length).filter((p) => !p.persisted);
    if (left.length === 0) return;
    try {
      await this.sql.query(INSERT_USAGE_SQL, usageInsertParams(left.map((p) => p.event)));
    } catch (err) {
      this.logger.error(
        { err: err instanceof Error ? err.message : String(err), count: left.length },
        'usage: events lost at shutdown (Redis and Postgres unreachable)',
      );
    }
  }
}

/** The batch a settlement went out in, if it was sent at all. */
function sentIn(settlement: Settlement): string[] {
  const id = settlement.batchId();
  return id ? [id] : [];
}
