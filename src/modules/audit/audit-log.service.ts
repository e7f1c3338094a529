import { Inject, Injectable } from '@nestjs/common';
import { LOGGER } from '../../common/logging/logger.module';
import type { Logger } from '../../common/logging/logger';
import type { Prisma } from '../../generated/prisma/client';
import { decodeCursor, pageLimit, toPage, type Page } from '../../common/http/cursor-page';
import { PrismaService } from '../../database/prisma.service';
import { ReportDatabase } from '../../database/report-database.service';
import type { Actor } from '../auth/request-identity';
import type { AuditLogQuery } from './dto/audit-log.query';
import type { AuditLogResponse } from './dto/audit-log.response';

/** Field names that never reach the audit log, whatever object is handed in. */
const SECRET_FIELDS = new Set([
  'key',
  'webhook_secret',
  'key_hash',
  'previous_key_hash',
  'webhook_secret_enc',
  'api_key',
  'keyHash',
  'previousKeyHash',
  'webhookSecretEnc',
  'apiKey',
  'apiKeyEnc',
]);

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId: string;
  before?: object | null;
  after?: object | null;
}

type Db = Prisma.TransactionClient | PrismaService;

/** The audit log of admin writes (and of the boot config sync): who (key id, master or config), what, when, before/after without secrets. */
@Injectable()
export class AuditLogService {
  constructor(
    private readonly reports: ReportDatabase,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Call inside the write's transaction, so the change and its audit row commit together. */
  async record(db: Db, actor: Actor, entry: AuditEntry): Promise<void> {
    await this.write(
      db,
      { type: actor.identity.kind, keyId: actor.identity.keyId ?? null, requestId: actor.requestId },
      entry,
    );
  }

  /** A write the gateway makes itself at boot (the YAML catalog sync), audited with actor type `config`. */
  async recordBoot(db: Db, entry: AuditEntry): Promise<void> {
    await this.write(db, { type: 'config', keyId: null, requestId: null }, entry);
  }

  private async write(
    db: Db,
    actor: { type: string; keyId: string | null; requestId: string | null },
    entry: AuditEntry,
  ): Promise<void> {
    await db.auditLog.create({
      data: {
        actorType: actor.type,
        actorKeyId: actor.keyId,
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId,
        before: withoutSecrets(entry.before) as Prisma.InputJsonValue | undefined,
        after: withoutSecrets(entry.after) as Prisma.InputJsonValue | undefined,
        requestId: actor.requestId,
      },
    });
    this.logger.info(
      {
        request_id: actor.requestId,
        action: entry.action,
        target_type: entry.targetType,
        target_id: entry.targetId,
        actor_type: actor.type,
        actor_key_id: actor.keyId,
      },
      actor.type === 'config' ? 'config sync write' : 'admin write',
    );
  }

  /** A report: read from the read replica when one is configured (it may lag the writes by its delay). */
  async list(q: AuditLogQuery): Promise<Page<AuditLogResponse>> {
    const limit = pageLimit(q);
    const after = decodeCursor(q.cursor, (v): v is string => typeof v === 'string' && /^\d+$/.test(v));
    const rows = await this.reports.prisma.auditLog.findMany({
      where: {
        ...(after ? { id: { lt: BigInt(after) } } : {}),
        ...(q.action ? { action: q.action } : {}),
        ...(q.target_type ? { targetType: q.target_type } : {}),
        ...(q.target_id ? { targetId: q.target_id } : {}),
        ...(q.actor_key_id ? { actorKeyId: q.actor_key_id } : {}),
      },
      orderBy: { id: 'desc' },
      take: limit + 1,
    });
    return toPage(rows, limit, toView, (r) => r.id.toString());
  }
}

function toView(r: {
  id: bigint;
  createdAt: Date;
  actorType: string;
  actorKeyId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
}): AuditLogResponse {
  return {
    id: r.id.toString(),
    created_at: r.createdAt.toISOString(),
    actor: { type: r.actorType, key_id: r.actorKeyId },
    action: r.action,
    target_type: r.targetType,
    target_id: r.targetId,
    // Written from admin views (objects) or left out: an object or null.
    before: (r.before ?? null) as Record<string, unknown> | null,
    after: (r.after ?? null) as Record<string, unknown> | null,
    request_id: r.requestId,
  };
}

export function withoutSecrets(value: unknown): unknown {
  if (value === null || value === undefined) return value === null ? null : undefined;
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!SECRET_FIELDS.has(k)) out[k] = withoutSecrets(v);
  return out;
}
