import { Inject, Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { LOGGER } from '../../common/logging/logger.module';
import type { Logger } from '../../common/logging/logger';
import { PrismaService } from '../../database/prisma.service';
import { isBudgetDuration } from '../usage/budget-period';
import type { Identity, KeyRole, LimitSettings } from './identity';
import { intersectAllowedModels } from './model-patterns';

const TOUCH_INTERVAL_MS = 60_000;

export interface LoadedKey {
  identity: Identity;
  /** Absolute ms after which the presented secret stops working (Infinity: never). */
  validUntil: number;
}

interface LimitRow {
  maxBudgetUsd: { toString(): string } | null;
  budgetDuration: string | null;
  budgetPeriodStart: Date;
  rpmLimit: number | null;
  tpmLimit: number | null;
}

/** The database side of authentication: find a key by hash, and note its last use (never awaited). */
@Injectable()
export class KeyLookupService {
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly prisma: PrismaService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** The identity for a presented key's hex SHA-256, or undefined when it is unknown, revoked or expired. */
  async findByHash(hash: string, now = Date.now()): Promise<LoadedKey | undefined> {
    const row = await this.prisma.apiKey.findFirst({
      where: { OR: [{ keyHash: hash }, { previousKeyHash: hash }] },
      include: { team: true },
    });
    if (!row || row.revokedAt || (row.team && row.team.deletedAt)) return undefined;
    const current = sameHash(row.keyHash, hash);
    let validUntil = row.expiresAt ? row.expiresAt.getTime() : Infinity;
    if (!current) {
      if (!row.previousKeyHash || !sameHash(row.previousKeyHash, hash) || !row.previousKeyExpiresAt)
        return undefined;
      validUntil = Math.min(validUntil, row.previousKeyExpiresAt.getTime());
    }
    if (now >= validUntil) return undefined;
    const identity: Identity = {
      kind: 'key',
      keyId: row.id,
      teamId: row.teamId ?? undefined,
      role: row.role as KeyRole,
      allowedModels: intersectAllowedModels(row.allowedModels, row.team?.allowedModels ?? []),
      keyLimits: toLimits(row),
      teamLimits: row.team ? toLimits(row.team) : undefined,
      expiresAt: row.expiresAt ?? undefined,
    };
    return { identity, validUntil };
  }

  /** Updates `last_used_at` at most once a minute per key on this replica; fire and forget. */
  touch(keyId: string, now = Date.now()): void {
    const last = this.touched.get(keyId);
    if (last !== undefined && now - last < TOUCH_INTERVAL_MS) return;
    this.touched.set(keyId, now);
    this.prisma.apiKey
      .update({ where: { id: keyId }, data: { lastUsedAt: new Date(now) } })
      .catch((err: unknown) =>
        this.logger.warn({ key_id: keyId, err: String(err) }, 'last_used_at update failed'),
      );
  }
}

function toLimits(r: LimitRow): LimitSettings {
  return {
    maxBudgetUsd: r.maxBudgetUsd?.toString(),
    budgetDuration: isBudgetDuration(r.budgetDuration) ? r.budgetDuration : undefined,
    budgetPeriodStart: r.budgetPeriodStart,
    rpmLimit: r.rpmLimit ?? undefined,
    tpmLimit: r.tpmLimit ?? undefined,
  };
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
