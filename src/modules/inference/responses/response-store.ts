import { Inject, Injectable } from '@nestjs/common';
import { GatewayError } from '../../../common/errors/gateway-error';
import { withoutNul } from '../../../common/validation/nul-text';
import { APP_CONFIG } from '../../../config/app-config';
import type { AppConfig } from '../../../config/config.types';
import { PrismaService } from '../../../database/prisma.service';
import type { Prisma } from '../../../generated/prisma/client';
import type { ChatMessage } from '../../../providers/core/canonical';
import type { Identity } from '../../auth/identity';

/** A stored Responses answer, as its owner reads it back. */
export interface StoredResponseRow {
  id: string;
  model: string;
  /** The input turns and the answer's turn, to continue with `previous_response_id`. */
  conversation: ChatMessage[];
  /** The Response object as it was answered. */
  response: Record<string, unknown>;
}

/**
 * `stored_responses`: Responses answers saved with `store` (the default), each its creating key's
 * alone (the master key's rows have no key id), kept SWITCHBOARD_RESPONSES_RETENTION_DAYS. Expired
 * rows are invisible at once (reads filter on `expires_at`) and deleted by the worker role hourly
 * (ResponsesPurger).
 */
@Injectable()
export class ResponseStore {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Saves an answer for `identity`'s key. */
  async save(identity: Identity, row: StoredResponseRow): Promise<void> {
    const days = this.config.responsesRetentionDays;
    await this.prisma.storedResponse.create({
      data: {
        id: row.id,
        keyId: identity.keyId ?? null,
        model: row.model,
        conversation: withoutNul(row.conversation) as unknown as Prisma.InputJsonValue,
        response: withoutNul(row.response) as Prisma.InputJsonValue,
        expiresAt: new Date(Date.now() + days * 86_400_000),
      },
    });
  }

  /** The caller's unexpired stored response, else a 404 naming `field`. */
  async owned(identity: Identity, id: string, field: string): Promise<StoredResponseRow> {
    if (unstorable(id)) throw notFound(id, field);
    const row = await this.prisma.storedResponse.findFirst({
      where: { id, keyId: identity.keyId ?? null, expiresAt: { gt: new Date() } },
    });
    if (!row) throw notFound(id, field);
    return {
      id: row.id,
      model: row.model,
      conversation: row.conversation as unknown as ChatMessage[],
      response: row.response as Record<string, unknown>,
    };
  }

  /** Deletes the caller's stored response, else a 404 naming `field`. */
  async remove(identity: Identity, id: string, field: string): Promise<void> {
    if (unstorable(id)) throw notFound(id, field);
    const { count } = await this.prisma.storedResponse.deleteMany({
      where: { id, keyId: identity.keyId ?? null, expiresAt: { gt: new Date() } },
    });
    if (count === 0) throw notFound(id, field);
  }

  /** Deletes expired rows; returns how many. */
  async purgeExpired(): Promise<number> {
    const { count } = await this.prisma.storedResponse.deleteMany({
      where: { expiresAt: { lte: new Date() } },
    });
    return count;
  }
}

/** An id no row can have (Postgres text holds no U+0000): not found, without a query. */
function unstorable(id: string): boolean {
  return id.includes('\u0000');
}

function notFound(id: string, field: string): GatewayError {
  return new GatewayError('not_found', `Response with id '${id}' not found.`, { param: field });
}
