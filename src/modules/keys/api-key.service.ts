import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '../../common/crypto/secret-box';
import { GatewayError, invalidRequest } from '../../common/errors/gateway-error';
import {
  afterCreatedAt,
  createdAtPosition,
  decodeCursor,
  isCreatedAtPosition,
  pageLimit,
  toPage,
  type Page,
} from '../../common/http/cursor-page';
import { PrismaService } from '../../database/prisma.service';
import type { ApiKey, Prisma } from '../../generated/prisma/client';
import type { Identity, KeyRole } from '../auth/identity';
import { KeyInvalidationService } from '../auth/key-invalidation.service';
import { assertTeamInScope, teamScopeOf, type Actor } from '../auth/request-identity';
import { roleAtMost, rolesAtMost } from '../auth/role-rank';
import { AuditLogService } from '../audit/audit-log.service';
import { limitData } from '../teams/dto/limit-fields.dto';
import { SPEND_READER, spendPeriodStart, type SpendReader } from '../teams/spend-reader';
import { isUuid, TeamsService } from '../teams/teams.service';
import type { CreateKeyDto, KeyListQuery, RotateKeyDto, UpdateKeyDto } from './dto/key.dto';
import type { KeyResponse, KeyWithSecretsResponse, MasterKeyResponse } from './dto/key.response';
import { generateKey, generateWebhookSecret } from './key-material';
import { MASTER_KEY_VIEW, toKeyView } from './key.view';

type Db = Prisma.TransactionClient | PrismaService;

/**
 * Virtual keys: create, list, get, patch, revoke, rotate (with a grace period). Plaintext keys and
 * webhook secrets leave only in the create/rotate response; every write is audited and invalidates the
 * identity caches of all replicas. Team admins are confined to their own team, and every caller to
 * keys whose role is at most its own (`roleAtMost`): keys above it are invisible (404), and a role
 * above it cannot be given (403).
 */
@Injectable()
export class ApiKeyService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly teams: TeamsService,
    private readonly audit: AuditLogService,
    private readonly invalidation: KeyInvalidationService,
    private readonly box: SecretBox,
    @Inject(SPEND_READER) private readonly spend: SpendReader,
  ) {}

  async create(dto: CreateKeyDto, actor: Actor): Promise<KeyWithSecretsResponse> {
    const teamId = dto.team_id ?? teamScopeOf(actor.identity) ?? null;
    await this.checkAssignment(actor.identity, teamId, dto.role ?? 'member');
    const material = generateKey();
    const webhookSecret = generateWebhookSecret();
    const key = await this.prisma.$transaction(async (tx) => {
      const k = await tx.apiKey.create({
        data: {
          ...(limitData(dto) as object),
          name: dto.name ?? null,
          teamId,
          role: dto.role ?? 'member',
          expiresAt: dto.expires_at ? new Date(dto.expires_at) : null,
          keyHash: material.hash,
          keyPrefix: material.prefix,
          webhookSecretEnc: this.box.seal(webhookSecret),
        },
      });
      await this.audit.record(tx, actor, {
        action: 'key.create',
        targetType: 'key',
        targetId: k.id,
        after: await this.view(k, tx),
      });
      return k;
    });
    return { ...(await this.view(key)), key: material.key, webhook_secret: webhookSecret };
  }

  async list(q: KeyListQuery, identity: Identity): Promise<Page<KeyResponse>> {
    const scope = teamScopeOf(identity);
    if (scope && q.team_id && q.team_id !== scope) assertTeamInScope(identity, q.team_id);
    const teamId = scope ?? q.team_id;
    const limit = pageLimit(q);
    const rows = await this.prisma.apiKey.findMany({
      where: {
        ...(teamId ? { teamId } : {}),
        role: { in: rolesAtMost(identity.role).filter((r) => !q.role || r === q.role) },
        ...(q.name ? { name: q.name } : {}),
        ...(q.revoked === undefined ? {} : { revokedAt: q.revoked ? { not: null } : null }),
        ...afterCreatedAt(decodeCursor(q.cursor, isCreatedAtPosition)),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
    const page = toPage(rows, limit, (k) => k, createdAtPosition);
    return { data: await Promise.all(page.data.map((k) => this.view(k))), next_cursor: page.next_cursor };
  }

  async get(id: string, identity: Identity): Promise<KeyResponse> {
    return this.view(await this.findInScope(id, identity));
  }

  /** `GET /v1/key`: the calling key's own view. */
  async self(identity: Identity): Promise<KeyResponse | MasterKeyResponse> {
    if (identity.kind === 'master' || !identity.keyId) return MASTER_KEY_VIEW;
    return this.view(await this.find(identity.keyId));
  }

  async update(id: string, dto: UpdateKeyDto, actor: Actor): Promise<KeyResponse> {
    const key = await this.change(id, actor, 'key.update', async (old, tx) => {
      const teamId = dto.team_id === undefined ? old.teamId : dto.team_id;
      if (dto.team_id !== undefined || dto.role !== undefined)
        await this.checkAssignment(actor.identity, teamId, dto.role ?? old.role, tx);
      return {
        ...limitData(dto),
        ...(dto.name !== undefined ? { name: dto.name } : {}),
        ...(dto.team_id !== undefined ? { teamId: dto.team_id } : {}),
        ...(dto.role !== undefined ? { role: dto.role } : {}),
        ...(dto.expires_at !== undefined
          ? { expiresAt: dto.expires_at === null ? null : new Date(dto.expires_at) }
          : {}),
      };
    });
    return this.view(key);
  }

  async revoke(id: string, actor: Actor): Promise<KeyResponse> {
    const key = await this.change(id, actor, 'key.revoke', async (old) =>
      old.revokedAt ? null : { revokedAt: new Date(), previousKeyHash: null, previousKeyExpiresAt: null },
    );
    return this.view(key);
  }

  async rotate(id: string, dto: RotateKeyDto, actor: Actor): Promise<KeyWithSecretsResponse> {
    const grace = dto.grace_period_seconds ?? 0;
    const material = generateKey();
    const webhookSecret = generateWebhookSecret();
    const key = await this.change(
      id,
      actor,
      'key.rotate',
      async (old) => {
        if (old.revokedAt) throw invalidRequest(`Key '${id}' is revoked and cannot be rotated`, 'id');
        return {
          keyHash: material.hash,
          keyPrefix: material.prefix,
          webhookSecretEnc: this.box.seal(webhookSecret),
          previousKeyHash: grace > 0 ? old.keyHash : null,
          previousKeyExpiresAt: grace > 0 ? new Date(Date.now() + grace * 1000) : null,
        };
      },
      { grace_period_seconds: grace },
    );
    return { ...(await this.view(key)), key: material.key, webhook_secret: webhookSecret };
  }

  /**
   * Changes one key the actor may see, in one transaction with its audit entry, then drops its cached
   * identity on every replica (under its current and previous hashes). `build` returns the update, or
   * null when there is nothing to change (the key is returned as it is, nothing is recorded).
   */
  private async change(
    id: string,
    actor: Actor,
    action: string,
    build: (old: ApiKey, tx: Db) => Promise<Prisma.ApiKeyUncheckedUpdateInput | null>,
    auditExtra: Record<string, unknown> = {},
  ): Promise<ApiKey> {
    const { key, before } = await this.prisma.$transaction(async (tx) => {
      const old = await this.findInScope(id, actor.identity, tx);
      const data = await build(old, tx);
      if (!data) return { key: old, before: old };
      const k = await tx.apiKey.update({ where: { id }, data });
      await this.audit.record(tx, actor, {
        action,
        targetType: 'key',
        targetId: id,
        before: await this.view(old, tx),
        after: { ...(await this.view(k, tx)), ...auditExtra },
      });
      return { key: k, before: old };
    });
    await this.invalidation.publish({ keyIds: [id], hashes: hashesOf(before) });
    return key;
  }

  /**
   * Team admins may only place keys in their own team; nobody may give a role above its own; team
   * admins need a team.
   */
  private async checkAssignment(
    identity: Identity,
    teamId: string | null,
    role: KeyRole,
    db: Db = this.prisma,
  ): Promise<void> {
    assertTeamInScope(identity, teamId);
    if (!roleAtMost(role, identity.role))
      throw new GatewayError(
        'permission_denied',
        `A ${identity.role} key cannot create a key with role '${role}' or grant that role`,
        { param: 'role' },
      );
    if (role === 'team_admin' && !teamId) throw invalidRequest('role team_admin needs a team_id', 'team_id');
    if (teamId)
      await this.teams
        .find(teamId, db)
        .catch(() => Promise.reject(invalidRequest(`team_id '${teamId}' does not exist`, 'team_id')));
  }

  /** A key the caller may act on: a key above the caller's role answers as if it did not exist. */
  private async findInScope(id: string, identity: Identity, db: Db = this.prisma): Promise<ApiKey> {
    const key = await this.find(id, db);
    if (!roleAtMost(key.role, identity.role)) throw keyNotFound(id);
    assertTeamInScope(identity, key.teamId);
    return key;
  }

  private async find(id: string, db: Db = this.prisma): Promise<ApiKey> {
    const key = isUuid(id) ? await db.apiKey.findUnique({ where: { id } }) : null;
    if (!key) throw keyNotFound(id);
    return key;
  }

  /** `db`: the transaction's client when inside one (see SpendReader). */
  private async view(k: ApiKey, db?: Prisma.TransactionClient): Promise<KeyResponse> {
    return toKeyView(k, await this.spend.keySpendUsd(k.id, spendPeriodStart(k), db));
  }
}

function keyNotFound(id: string): GatewayError {
  return new GatewayError('not_found', `Key '${id}' does not exist`, { param: 'id' });
}

function hashesOf(k: ApiKey): string[] {
  return k.previousKeyHash ? [k.keyHash, k.previousKeyHash] : [k.keyHash];
}
