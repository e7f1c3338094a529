import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../../database/prisma.service';
import type { Identity } from '../../auth/identity';
import { GeminiCacheChanges, type CacheChange } from './gemini-cache-changes';

export interface CachedContentRow {
  deploymentId: string;
  contentHash: string;
  upstreamName: string;
  expiresAt: Date;
  /** The key that created the cache (null: the master key, or a row from before owners were kept). */
  keyId: string | null;
  teamId: string | null;
  /** The public model, `models/{name}`. */
  model: string;
  displayName: string | null;
  /** Gemini's `usageMetadata.totalTokenCount`: what storage is billed on. */
  tokens: number;
}

export interface ListedCache extends CachedContentRow {
  id: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Rows of caches created through the cachedContents endpoints are keyed by their name. */
export const API_CACHE_PREFIX = 'api:';

const SWEEP_EVERY_MS = 10 * 60_000;
const MAX_REMEMBERED_OWNERS = 10_000;
/** A name found in no row is answered "unknown" from memory this long (a creation of it forgets that at once). */
const UNKNOWN_FOR_MS = 5_000;
const MAX_REMEMBERED_UNKNOWN = 10_000;
/** What Gemini names a cache: `cachedContents/` and an id of letters, digits, `-` and `_`. */
const CACHE_NAME = /^cachedContents\/[A-Za-z0-9_-]{1,128}$/;

type Owner = { keyId: string | null };

const ROW = {
  deploymentId: true,
  contentHash: true,
  upstreamName: true,
  expiresAt: true,
  keyId: true,
  teamId: true,
  model: true,
  displayName: true,
  tokens: true,
} as const;

/**
 * A cache is its creator's: only the key that made it, or an admin (an `admin` key, the master key),
 * may read, change, delete, list or use it. Rows without an owner are the admins' alone.
 */
export function mayAccessCache(identity: Identity, row: { keyId: string | null }): boolean {
  return identity.role === 'admin' || (row.keyId !== null && row.keyId === identity.keyId);
}

/** Could `name` be a Gemini cache name at all? Anything else is nobody's, without a lookup. */
export function isCacheName(name: string): boolean {
  return CACHE_NAME.test(name);
}

/**
 * The registry key of a cache made from `cache_control`: its content hash under its owner, so that
 * one key never reuses another's cache (the master key's own are under `master`).
 */
export function ownedContentKey(identity: Identity, contentHash: string): string {
  return `${identity.keyId ?? 'master'}/${contentHash}`;
}

/**
 * The `gemini_cached_contents` table: which deployment holds which upstream `cachedContents/{id}` and
 * which key owns it, for gateway-made caches (keyed by owner and content hash) and for caches clients
 * create through `POST /v1beta/cachedContents` (keyed by `api:<name>`). Expired rows are swept now
 * and then. Owners never change, so the owner of a name is remembered for the checks of requests
 * that use a cache; a name found nowhere is remembered as unknown for a few seconds (bounded), and
 * concurrent checks of one name share one lookup, so requests naming made-up caches cost no
 * Postgres round trip each.
 */
@Injectable()
export class GeminiCacheRegistry {
  private lastSweep = 0;
  private readonly owners = new Map<string, Owner>();
  /** Names no row holds, until when that answer stands. */
  private readonly unknown = new Map<string, number>();
  private readonly lookups = new Map<string, Promise<Owner | null>>();
  /** Bumped by every creation: a lookup that started before one must not remember its name as unknown. */
  private creations = 0;

  constructor(
    private readonly prisma: PrismaService,
    private readonly changes: GeminiCacheChanges,
  ) {
    changes.onChange((change) => this.changed(change));
  }

  find(deploymentId: string, contentHash: string): Promise<CachedContentRow | null> {
    return this.prisma.geminiCachedContent.findUnique({
      where: { deploymentId_contentHash: { deploymentId, contentHash } },
      select: ROW,
    });
  }

  async save(row: CachedContentRow): Promise<void> {
    const { deploymentId, contentHash, ...rest } = row;
    await this.prisma.geminiCachedContent.upsert({
      where: { deploymentId_contentHash: { deploymentId, contentHash } },
      create: row,
      update: rest,
    });
    this.sweepSoon();
    await this.changes.publish({ name: row.upstreamName });
  }

  /** A cache created (no longer unknown) or deleted (its owner forgotten), here or on another replica. */
  private changed(change: CacheChange): void {
    if (change.gone) {
      this.owners.delete(change.name);
    } else if (change.expiresAt === undefined) {
      this.creations++;
      this.unknown.delete(change.name);
    }
  }

  /** The row of an upstream cache name (`cachedContents/…`), whichever way it was made. */
  ownerOf(upstreamName: string): Promise<CachedContentRow | null> {
    return this.prisma.geminiCachedContent.findFirst({
      where: { upstreamName },
      orderBy: { createdAt: 'desc' },
      select: ROW,
    });
  }

  /** May `identity` use the cache named in a request? Unknown names are nobody's (admins only). */
  async mayUse(identity: Identity, upstreamName: string): Promise<boolean> {
    if (identity.role === 'admin') return true;
    if (!isCacheName(upstreamName)) return false;
    const owner = this.owners.get(upstreamName) ?? (await this.lookUpOwner(upstreamName));
    return owner !== null && mayAccessCache(identity, owner);
  }

  private lookUpOwner(upstreamName: string): Promise<Owner | null> {
    const until = this.unknown.get(upstreamName);
    if (until !== undefined) {
      if (until > Date.now()) return Promise.resolve(null);
      this.unknown.delete(upstreamName);
    }
    let pending = this.lookups.get(upstreamName);
    if (!pending) {
      const creations = this.creations;
      pending = this.ownerOf(upstreamName)
        .then((row) => {
          if (row) return this.rememberOwner(upstreamName, { keyId: row.keyId });
          if (creations === this.creations) this.rememberUnknown(upstreamName);
          return null;
        })
        .finally(() => this.lookups.delete(upstreamName));
      this.lookups.set(upstreamName, pending);
    }
    return pending;
  }

  private rememberOwner(upstreamName: string, owner: Owner): Owner {
    if (this.owners.size >= MAX_REMEMBERED_OWNERS) this.owners.clear();
    this.owners.set(upstreamName, owner);
    return owner;
  }

  private rememberUnknown(upstreamName: string): void {
    const now = Date.now();
    if (this.unknown.size >= MAX_REMEMBERED_UNKNOWN) {
      for (const [name, until] of this.unknown) if (until <= now) this.unknown.delete(name);
      if (this.unknown.size >= MAX_REMEMBERED_UNKNOWN) this.unknown.clear();
    }
    this.unknown.set(upstreamName, now + UNKNOWN_FOR_MS);
  }

  /** Live caches `identity` may see (an admin: all), newest first, `limit` from `offset`. */
  list(identity: Identity, offset: number, limit: number): Promise<ListedCache[]> {
    return this.prisma.geminiCachedContent.findMany({
      where: {
        expiresAt: { gt: new Date() },
        ...(identity.role === 'admin' ? {} : { keyId: identity.keyId ?? null }),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      skip: offset,
      take: limit,
      select: { ...ROW, id: true, createdAt: true, updatedAt: true },
    });
  }

  /**
   * Moves the expiry and returns the one it replaces (undefined: no row), in one statement that locks
   * the row: of two concurrent changes, the second sees the first's expiry (so an extension is billed
   * once, against the latest stored expiry).
   */
  async setExpiry(upstreamName: string, expiresAt: Date): Promise<Date | undefined> {
    const rows = await this.prisma.$queryRawUnsafe<Array<{ before_ms: string }>>(
      `WITH prev AS (
         SELECT id, expires_at FROM gemini_cached_contents WHERE upstream_name = $1 FOR UPDATE
       )
       UPDATE gemini_cached_contents AS g SET expires_at = $2, updated_at = now()
       FROM prev WHERE g.id = prev.id
       RETURNING (extract(epoch FROM prev.expires_at) * 1000)::bigint::text AS before_ms`,
      upstreamName,
      expiresAt,
    );
    await this.changes.publish({ name: upstreamName, expiresAt: expiresAt.getTime() });
    if (rows.length === 0) return undefined;
    return new Date(Math.max(...rows.map((r) => Number(r.before_ms))));
  }

  /** The cache is gone (deleted, or Gemini no longer knows it): its row, and every replica's memory of it. */
  async forget(upstreamName: string): Promise<void> {
    await this.prisma.geminiCachedContent.deleteMany({ where: { upstreamName } });
    await this.changes.publish({ name: upstreamName, gone: true });
  }

  /** Drops rows expired for a day (kept that long so a late GET still finds the owner's 404). */
  private sweepSoon(): void {
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    this.prisma.geminiCachedContent
      .deleteMany({ where: { expiresAt: { lt: new Date(now - 24 * 3600_000) } } })
      .catch(() => undefined);
  }
}
