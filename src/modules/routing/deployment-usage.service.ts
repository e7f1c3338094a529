import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { RedisService } from '../../database/redis.service';
import { BUCKET_MS, UsageWindow, windowBuckets, type Counts } from './usage-window';

const FLUSH_MS = 500;

/**
 * Per-deployment requests and tokens over a sliding minute, cluster-wide, for rpm/tpm routing
 * constraints and the `usage-based` strategy. The request path only touches memory: counts are
 * added locally and, every 500 ms, written to Redis (5-second buckets) and the cluster-wide totals
 * read back in one pipelined round trip, off the request path.
 */
@Injectable()
export class DeploymentUsageService implements OnModuleInit, OnModuleDestroy {
  private readonly windows = new Map<string, UsageWindow>();
  /** Deployments whose cluster totals matter (those with limits, or all under `usage-based`). */
  private tracked = new Set<string>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(private readonly redis: RedisService) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flushing;
  }

  /** Which deployments to read back from Redis. */
  track(ids: Iterable<string>): void {
    this.tracked = new Set(ids);
  }

  private window(id: string): UsageWindow {
    let w = this.windows.get(id);
    if (!w) {
      w = new UsageWindow();
      this.windows.set(id, w);
    }
    return w;
  }

  recordRequest(id: string, now = Date.now()): void {
    this.window(id).add(now, 1, 0);
  }

  recordTokens(id: string, tokens: number, now = Date.now()): void {
    if (tokens > 0) this.window(id).add(now, 0, tokens);
  }

  totals(id: string, now = Date.now()): Counts {
    return this.windows.get(id)?.totals(now) ?? { requests: 0, tokens: 0 };
  }

  isAtLimit(d: { id: string; rpmLimit?: number; tpmLimit?: number }, now = Date.now()): boolean {
    if (!d.rpmLimit && !d.tpmLimit) return false;
    const t = this.totals(d.id, now);
    return (!!d.rpmLimit && t.requests >= d.rpmLimit) || (!!d.tpmLimit && t.tokens >= d.tpmLimit);
  }

  msUntilBelow(d: { id: string; rpmLimit?: number; tpmLimit?: number }, now = Date.now()): number {
    return this.windows.get(d.id)?.msUntilBelow(now, d.rpmLimit, d.tpmLimit) ?? 0;
  }

  flush(): Promise<void> {
    this.flushing ??= this.doFlush().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async doFlush(): Promise<void> {
    const now = Date.now();
    const ids = new Set<string>(this.tracked);
    for (const [id, w] of this.windows) if (w.pending.size > 0) ids.add(id);
    if (ids.size === 0) return;
    const buckets = windowBuckets(now);
    const pipe = this.redis.client.pipeline();
    const order: string[] = [];
    for (const id of ids) {
      const w = this.window(id);
      const key = this.redis.key('dep-usage', id);
      for (const [b, c] of w.beginFlush()) {
        if (c.requests) pipe.hincrby(key, `${b}:r`, c.requests);
        if (c.tokens) pipe.hincrby(key, `${b}:t`, c.tokens);
      }
      const old = buckets[0];
      pipe.hdel(key, `${old - 1}:r`, `${old - 1}:t`, `${old - 2}:r`, `${old - 2}:t`);
      pipe.pexpire(key, 2 * 60_000 + BUCKET_MS);
      order.push(id);
    }
    for (const id of order)
      pipe.hmget(this.redis.key('dep-usage', id), ...buckets.flatMap((b) => [`${b}:r`, `${b}:t`]));
    try {
      const results = (await pipe.exec()) ?? [];
      const reads = results.slice(results.length - order.length);
      order.forEach((id, i) => {
        const [err, values] = reads[i] as [Error | null, Array<string | null>];
        const w = this.window(id);
        if (err) return w.failFlush();
        const snapshot = new Map<number, Counts>();
        buckets.forEach((b, j) => {
          const requests = Number(values[2 * j] ?? 0);
          const tokens = Number(values[2 * j + 1] ?? 0);
          if (requests || tokens) snapshot.set(b, { requests, tokens });
        });
        w.endFlush(snapshot);
        w.prune(now);
      });
      // Old hash fields: trimmed lazily by the key's expiry; buckets out of the window are never read.
    } catch {
      for (const id of order) this.window(id).failFlush();
    }
  }
}
