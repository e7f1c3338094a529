import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { LOGGER } from '../../common/logging/logger.module';
import type { Logger } from '../../common/logging/logger';
import { PrismaService } from '../../database/prisma.service';
import { LimitsService, type Admission } from '../limits/limits.service';
import { MetricsService } from '../metrics/metrics.service';
import type { UsageEvent } from './usage-event';
import { INSERT_USAGE_SQL, toRecordRow } from './usage-stream';

const RETRY_MS = 1_000;

interface Pending {
  event: UsageEvent;
  admission?: Admission;
}

/**
 * Records one usage event per metered request: settlement of the budget reservation and the append of
 * the event to the Redis usage stream happen in one script call (LimitsService.settle); the worker
 * (UsageWriter) moves the stream into Postgres. While Redis is unreachable, events wait in memory and
 * are retried (settlement is idempotent on the event id); at shutdown, what is still waiting is written
 * straight to Postgres (idempotent on the id too).
 */
@Injectable()
export class UsageService implements OnModuleDestroy {
  private spill: Pending[] = [];
  private timer?: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly limits: LimitsService,
    private readonly prisma: PrismaService,
    private readonly metrics: MetricsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  record(event: UsageEvent, admission?: Admission): void {
    this.metrics.observe(event);
    const p = this.limits
      .settle(admission, event)
      .catch((err: unknown) => {
        this.logger.warn({ err: err instanceof Error ? err.message : String(err), id: event.id }, 'usage: settle failed; will retry');
        this.spill.push({ event, admission });
        this.schedule();
      })
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  /** Gives back the reservation of a request that never reached a provider. */
  release(admission: Admission): void {
    if (admission.subjects.length === 0) return;
    const p = this.limits
      .release(admission)
      .catch((err: unknown) => this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'usage: release failed'))
      .finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
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
    for (const [i, item] of batch.entries()) {
      try {
        await this.limits.settle(item.admission, item.event);
      } catch {
        this.spill.unshift(...batch.slice(i));
        this.schedule();
        return;
      }
    }
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
    const left = this.spill.splice(0, this.spill.length);
    if (left.length === 0) return;
    try {
      await this.prisma.$queryRawUnsafe(INSERT_USAGE_SQL, JSON.stringify(left.map((p) => toRecordRow(p.event))));
    } catch (err) {
      this.logger.error({ err: err instanceof Error ? err.message : String(err), count: left.length }, 'usage: events lost at shutdown (Redis and Postgres unreachable)');
    }
  }
}
