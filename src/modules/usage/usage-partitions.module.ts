import { Inject, Injectable, Module, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { LOGGER } from '../../common/logging/logger.module';
import type { Logger } from '../../common/logging/logger';
import { APP_CONFIG } from '../../config/app-config';
import type { AppConfig } from '../../config/config.types';
import { SqlPool } from '../../database/sql-pool.service';

/** How often the worker role creates the coming months' partitions and applies the retention (ms). */
export const USAGE_PARTITIONS_MS = 60 * 60_000;
/** Months created ahead of the current one, so a month's partition exists long before its first write. */
export const MONTHS_AHEAD = 3;
const DAY_MS = 86_400_000;

export interface DroppedPartition {
  name: string;
  range_from: Date | null;
  range_to: Date;
  records_estimate: string;
}

/**
 * Roles `worker` and `all`: at boot and every USAGE_PARTITIONS_MS, creates the monthly partitions of
 * usage_records for this month and the next MONTHS_AHEAD (SQL function usage_records_create_partition,
 * a no-op for a month some partition covers), then, with SWITCHBOARD_USAGE_RETENTION_DAYS set, drops the
 * partitions that end before the retention's cutoff (usage_records_drop_partitions: audited in
 * audit_logs, in the same transaction). Replicas doing it at once are serialised by an advisory lock in
 * those functions. A write never waits for this: the DEFAULT partition takes a row no month covers.
 */
@Injectable()
export class UsagePartitionMaintainer implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sql: SqlPool,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    void this.maintain();
    this.timer = setInterval(() => void this.maintain(), USAGE_PARTITIONS_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One round (creation, then retention); failures are logged, never thrown. */
  maintain(now: Date = new Date()): Promise<void> {
    this.running ??= this.round(now).finally(() => (this.running = undefined));
    return this.running;
  }

  private async round(now: Date): Promise<void> {
    try {
      const created = await this.createAhead(now);
      if (created.length) this.logger.info({ partitions: created }, 'usage: partitions created');
    } catch (err) {
      this.logger.warn({ err: errText(err) }, 'usage: partition creation failed; retried next round');
    }
    if (this.config.usageRetentionDays <= 0) return;
    try {
      await this.dropExpired(now);
    } catch (err) {
      this.logger.warn({ err: errText(err) }, 'usage: retention failed; retried next round');
    }
  }

  /** Creates the partitions of this UTC month and the next MONTHS_AHEAD; answers the names created. */
  async createAhead(now: Date): Promise<string[]> {
    const rows = await this.sql.query<{ name: string | null }>(
      `SELECT usage_records_create_partition(($1::date + n * interval '1 month')::date) AS name
       FROM generate_series(0, $2::int) AS n`,
      [monthStart(now), MONTHS_AHEAD],
    );
    return rows.flatMap((r) => (r.name ? [r.name] : []));
  }

  /** Drops the partitions entirely older than the retention's cutoff, each logged (and audited in SQL). */
  async dropExpired(now: Date): Promise<DroppedPartition[]> {
    const cutoff = new Date(now.getTime() - this.config.usageRetentionDays * DAY_MS);
    const dropped = await this.sql.query<DroppedPartition>(
      `SELECT name, range_from, range_to, records_estimate::text FROM usage_records_drop_partitions($1)`,
      [cutoff],
    );
    for (const p of dropped)
      this.logger.info(
        {
          partition: p.name,
          range_from: p.range_from?.toISOString() ?? null,
          range_to: p.range_to.toISOString(),
          records_estimate: p.records_estimate,
          cutoff: cutoff.toISOString(),
          retention_days: this.config.usageRetentionDays,
        },
        'usage: partition dropped by retention (usage_daily keeps its totals)',
      );
    return dropped;
  }
}

/** 'YYYY-MM-01' of `d`'s UTC month. */
function monthStart(d: Date): string {
  return `${d.toISOString().slice(0, 7)}-01`;
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The worker-side upkeep of usage_records' partitions (imported by AppModule unless the role is `api`). */
@Module({ providers: [UsagePartitionMaintainer], exports: [UsagePartitionMaintainer] })
export class UsagePartitionsModule {}
