import type { Identity } from './identity';

export interface KeyCacheOptions {
  /** How long a positive entry lives without an invalidation (ms). */
  ttlMs: number;
  /** How long an unknown key is remembered as unknown (ms). */
  negativeTtlMs: number;
  maxEntries: number;
  maxNegativeEntries: number;
}

export const DEFAULT_KEY_CACHE_OPTIONS: KeyCacheOptions = {
  ttlMs: 30_000,
  negativeTtlMs: 2_000,
  maxEntries: 100_000,
  maxNegativeEntries: 10_000,
};

interface Entry {
  identity: Identity;
  /** Absolute ms after which the key itself stops working (expiry or end of rotation grace). */
  validUntil: number;
  cachedUntil: number;
}

export interface KeyInvalidation {
  keyIds?: string[];
  hashes?: string[];
  teamIds?: string[];
  all?: boolean;
}

/**
 * The in-process identity cache, keyed by the hex SHA-256 of the presented key. Pure and synchronous:
 * a hit costs one Map lookup. `generation` changes on every invalidation, so a database load that
 * started before an invalidation never writes a stale identity back.
 */
export class KeyCache {
  private readonly entries = new Map<string, Entry>();
  private readonly unknown = new Map<string, number>();
  private gen = 0;

  constructor(
    private readonly opts: KeyCacheOptions = DEFAULT_KEY_CACHE_OPTIONS,
    private readonly now: () => number = Date.now,
  ) {}

  get generation(): number {
    return this.gen;
  }

  /** The identity; `null` when the key is known to be invalid; `undefined` when the database must be asked. */
  get(hash: string): Identity | null | undefined {
    const t = this.now();
    const e = this.entries.get(hash);
    if (e) {
      if (t < e.cachedUntil) return t < e.validUntil ? e.identity : null;
      this.entries.delete(hash);
    }
    const neg = this.unknown.get(hash);
    if (neg !== undefined) {
      if (t < neg) return null;
      this.unknown.delete(hash);
    }
    return undefined;
  }

  /** Stores a loaded identity unless an invalidation happened since `generation` was read. */
  set(hash: string, identity: Identity, validUntil: number, generation: number): void {
    if (generation !== this.gen) return;
    if (this.entries.size >= this.opts.maxEntries)
      this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(hash, { identity, validUntil, cachedUntil: this.now() + this.opts.ttlMs });
  }

  setUnknown(hash: string, generation: number): void {
    if (generation !== this.gen) return;
    if (this.unknown.size >= this.opts.maxNegativeEntries)
      this.unknown.delete(this.unknown.keys().next().value as string);
    this.unknown.set(hash, this.now() + this.opts.negativeTtlMs);
  }

  invalidate(change: KeyInvalidation): void {
    this.gen++;
    if (change.all) {
      this.entries.clear();
      this.unknown.clear();
      return;
    }
    for (const h of change.hashes ?? []) {
      this.entries.delete(h);
      this.unknown.delete(h);
    }
    const ids = new Set(change.keyIds ?? []);
    const teams = new Set(change.teamIds ?? []);
    if (ids.size === 0 && teams.size === 0) return;
    for (const [h, e] of this.entries) {
      if (
        (e.identity.keyId && ids.has(e.identity.keyId)) ||
        (e.identity.teamId && teams.has(e.identity.teamId))
      )
        this.entries.delete(h);
    }
  }

  get size(): { entries: number; unknown: number } {
    return { entries: this.entries.size, unknown: this.unknown.size };
  }
}
