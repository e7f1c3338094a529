import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../../database/prisma.service';

export interface CachedContentRow {
  deploymentId: string;
  contentHash: string;
  upstreamName: string;
  expiresAt: Date;
}

/** Rows of caches created through the cachedContents endpoints are keyed by their name. */
export const API_CACHE_PREFIX = 'api:';

const SWEEP_EVERY_MS = 10 * 60_000;

/**
 * The `gemini_cached_contents` table: which deployment owns which upstream `cachedContents/{id}`,
 * for gateway-made caches (keyed by content hash) and for caches clients create through
 * `POST /v1beta/cachedContents` (keyed by `api:<name>`). Expired rows are swept now and then.
 */
@Injectable()
export class GeminiCacheRegistry {
  private lastSweep = 0;

  constructor(private readonly prisma: PrismaService) {}

  find(deploymentId: string, contentHash: string): Promise<CachedContentRow | null> {
    return this.prisma.geminiCachedContent.findUnique({
      where: { deploymentId_contentHash: { deploymentId, contentHash } },
      select: { deploymentId: true, contentHash: true, upstreamName: true, expiresAt: true },
    });
  }

  async save(row: CachedContentRow): Promise<void> {
    const { deploymentId, contentHash, upstreamName, expiresAt } = row;
    await this.prisma.geminiCachedContent.upsert({
      where: { deploymentId_contentHash: { deploymentId, contentHash } },
      create: { deploymentId, contentHash, upstreamName, expiresAt },
      update: { upstreamName, expiresAt },
    });
    this.sweepSoon();
  }

  /** The row of an upstream cache name (`cachedContents/…`), whichever way it was made. */
  ownerOf(upstreamName: string): Promise<CachedContentRow | null> {
    return this.prisma.geminiCachedContent.findFirst({
      where: { upstreamName },
      orderBy: { createdAt: 'desc' },
      select: { deploymentId: true, contentHash: true, upstreamName: true, expiresAt: true },
    });
  }

  async setExpiry(upstreamName: string, expiresAt: Date): Promise<void> {
    await this.prisma.geminiCachedContent.updateMany({ where: { upstreamName }, data: { expiresAt } });
  }

  async forget(upstreamName: string): Promise<void> {
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

/** `expireTime` of a cachedContents answer, else now + `ttl`, else Gemini's default of one hour. */
export function expiryOf(body: unknown, requestedTtl?: string, now = Date.now()): Date {
  const expireTime = (body as { expireTime?: unknown } | undefined)?.expireTime;
  const parsed = typeof expireTime === 'string' ? Date.parse(expireTime) : Number.NaN;
  if (Number.isFinite(parsed)) return new Date(parsed);
  const ttl = requestedTtl ? /^(\d+(?:\.\d+)?)s$/.exec(requestedTtl) : null;
  return new Date(now + (ttl ? Number(ttl[1]) * 1000 : 3600_000));
}
