/** Bucket size of the sliding one-minute window for per-deployment rpm/tpm. */
export const BUCKET_MS = 5_000;
export const WINDOW_MS = 60_000;
export const BUCKETS = WINDOW_MS / BUCKET_MS;

export interface Counts {
  requests: number;
  tokens: number;
}

export function bucketOf(now: number): number {
  return Math.floor(now / BUCKET_MS);
}

/** The buckets that make up the window ending now (oldest first). */
export function windowBuckets(now: number): number[] {
  const cur = bucketOf(now);
  return Array.from({ length: BUCKETS }, (_, i) => cur - BUCKETS + 1 + i);
}

/**
 * One deployment's usage over the sliding minute: the last snapshot read from Redis (cluster-wide)
 * plus what this replica counted since (not yet in the snapshot). Pure (time passed in).
 */
export class UsageWindow {
  /** bucket → counts, as last read from Redis. */
  snapshot = new Map<number, Counts>();
  /** bucket → counts recorded locally and not yet flushed. */
  pending = new Map<number, Counts>();
  /** bucket → counts being flushed (included until the snapshot that contains them arrives). */
  flushing = new Map<number, Counts>();

  add(now: number, requests: number, tokens: number): void {
    const b = bucketOf(now);
    const c = this.pending.get(b) ?? { requests: 0, tokens: 0 };
    c.requests += requests;
    c.tokens += tokens;
    this.pending.set(b, c);
  }

  /** Totals per bucket over the window, oldest first. */
  perBucket(now: number): Array<{ bucket: number } & Counts> {
    return windowBuckets(now).map((b) => {
      const sum = { requests: 0, tokens: 0 };
      for (const m of [this.snapshot, this.pending, this.flushing]) {
        const c = m.get(b);
        if (c) {
          sum.requests += c.requests;
          sum.tokens += c.tokens;
        }
      }
      return { bucket: b, ...sum };
    });
  }

  totals(now: number): Counts {
    return this.perBucket(now).reduce(
      (s, b) => ({ requests: s.requests + b.requests, tokens: s.tokens + b.tokens }),
      { requests: 0, tokens: 0 },
    );
  }

  /** Milliseconds until usage drops below the limits (how long a caller should wait). */
  msUntilBelow(now: number, rpmLimit?: number, tpmLimit?: number): number {
    const buckets = this.perBucket(now);
    let { requests, tokens } = this.totals(now);
    for (const b of buckets) {
      if ((!rpmLimit || requests < rpmLimit) && (!tpmLimit || tokens < tpmLimit)) break;
      requests -= b.requests;
      tokens -= b.tokens;
      const expires = (b.bucket + 1) * BUCKET_MS + WINDOW_MS;
      if ((!rpmLimit || requests < rpmLimit) && (!tpmLimit || tokens < tpmLimit))
        return Math.max(0, expires - now);
    }
    return 0;
  }

  /** Moves pending counts to `flushing`; returns them for the Redis write. */
  beginFlush(): Map<number, Counts> {
    for (const [b, c] of this.pending) {
      const f = this.flushing.get(b) ?? { requests: 0, tokens: 0 };
      f.requests += c.requests;
      f.tokens += c.tokens;
      this.flushing.set(b, f);
    }
    this.pending = new Map();
    return this.flushing;
  }

  /** The Redis write and read succeeded: the snapshot now includes what was flushing. */
  endFlush(snapshot: Map<number, Counts>): void {
    this.snapshot = snapshot;
    this.flushing = new Map();
  }

  /** The write failed: keep the counts local until the next flush. */
  failFlush(): void {
    for (const [b, c] of this.flushing) {
      const p = this.pending.get(b) ?? { requests: 0, tokens: 0 };
      p.requests += c.requests;
      p.tokens += c.tokens;
      this.pending.set(b, p);
    }
    this.flushing = new Map();
  }

  prune(now: number): void {
    const oldest = bucketOf(now) - BUCKETS;
    for (const m of [this.snapshot, this.pending, this.flushing])
      for (const b of m.keys()) if (b < oldest) m.delete(b);
  }
}
