import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../../database/prisma.service';
import type { Identity } from '../../auth/identity';

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
 * that use a cache.
 */
@Injectable()
export class GeminiCacheRegistry {
  private lastSweep = 0;
  private readonly owners = new Map<string, { keyId: string | null }>();

  constructor(private readonly prisma: PrismaService) {}

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
    let owner = this.owners.get(upstreamName);
    if (!owner) {
      const row = await this.ownerOf(upstreamName);
      if (!row) return false;
      owner = { keyId: row.keyId };
      if (this.owners.size >= MAX_REMEMBERED_OWNERS) this.owners.clear();
      this.owners.set(upstreamName, owner);
    }
    return mayAccessCache(identity, owner);
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

  async setExpiry(upstreamName: string, expiresAt: Date): Promise<void> {
    await this.prisma.geminiCachedContent.updateMany({ where: { upstreamName }, data: { expiresAt } });
  }

  async forget(upstreamName: string): Promise<void> {
    this.owners.delete(upstreamName);
    await this.prisma.geminiCachedContent.deleteMany({ where: { upstreamName } });
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
