import { Inject, Injectable } from '@nestjs/common';
import { GatewayError } from '../../common/errors/gateway-error';
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
import type { Prisma, Team } from '../../generated/prisma/client';
import { KeyInvalidationService } from '../auth/key-invalidation.service';
import type { Actor } from '../auth/request-identity';
import { AuditLogService } from '../audit/audit-log.service';
import { limitData } from './dto/limit-fields.dto';
import type { CreateTeamDto, TeamListQuery, UpdateTeamDto } from './dto/team.dto';
import type { TeamDeletedResponse, TeamResponse } from './dto/team.response';
import { SPEND_READER, spendPeriodStart, type SpendReader } from './spend-reader';
import { toTeamView } from './team.view';

/** Teams: CRUD with audit; a change invalidates the cached identities of the team's keys on every replica. */
@Injectable()
export class TeamsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditLogService,
    private readonly invalidation: KeyInvalidationService,
    @Inject(SPEND_READER) private readonly spend: SpendReader,
  ) {}

  async create(dto: CreateTeamDto, actor: Actor): Promise<TeamResponse> {
    const team = await this.prisma.$transaction(async (tx) => {
      const t = await tx.team.create({
        data: { name: dto.name, ...limitData(dto) } as Prisma.TeamCreateInput,
      });
      await this.audit.record(tx, actor, {
        action: 'team.create',
        targetType: 'team',
        targetId: t.id,
        after: await this.view(t, tx),
      });
      return t;
    });
    return this.view(team);
  }

  async list(q: TeamListQuery): Promise<Page<TeamResponse>> {
    const limit = pageLimit(q);
    const rows = await this.prisma.team.findMany({
      where: {
        deletedAt: null,
        ...(q.name ? { name: q.name } : {}),
        ...afterCreatedAt(decodeCursor(q.cursor, isCreatedAtPosition)),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
    const page = toPage(rows, limit, (t) => t, createdAtPosition);
    return { data: await Promise.all(page.data.map((t) => this.view(t))), next_cursor: page.next_cursor };
  }

  async get(id: string): Promise<TeamResponse> {
    return this.view(await this.find(id));
  }

  async update(id: string, dto: UpdateTeamDto, actor: Actor): Promise<TeamResponse> {
    const team = await this.prisma.$transaction(async (tx) => {
      const before = await this.find(id, tx);
      const data = { ...limitData(dto), ...(dto.name !== undefined ? { name: dto.name } : {}) };
      const t = await tx.team.update({ where: { id }, data });
      await this.audit.record(tx, actor, {
        action: 'team.update',
        targetType: 'team',
        targetId: id,
        before: await this.view(before, tx),
        after: await this.view(t, tx),
      });
      return t;
    });
    await this.invalidation.publish({ teamIds: [id] });
    return this.view(team);
  }

  /** Soft delete: the team disappears from lists and its keys stop working. */
  async remove(id: string, actor: Actor): Promise<TeamDeletedResponse> {
    await this.prisma.$transaction(async (tx) => {
      const before = await this.find(id, tx);
      await tx.team.update({ where: { id }, data: { deletedAt: new Date() } });
      await this.audit.record(tx, actor, {
        action: 'team.delete',
        targetType: 'team',
        targetId: id,
        before: await this.view(before, tx),
      });
    });
    await this.invalidation.publish({ teamIds: [id] });
    return { id, deleted: true };
  }

  /** A live team, or 404 (also used by the keys service to check `team_id`). */
  async find(id: string, db: Prisma.TransactionClient | PrismaService = this.prisma): Promise<Team> {
    const team = isUuid(id) ? await db.team.findFirst({ where: { id, deletedAt: null } }) : null;
    if (!team) throw new GatewayError('not_found', `Team '${id}' does not exist`, { param: 'id' });
    return team;
  }

  /** `db`: the transaction's client when inside one (see SpendReader). */
  private async view(t: Team, db?: Prisma.TransactionClient): Promise<TeamResponse> {
    return toTeamView(t, await this.spend.teamSpendUsd(t.id, spendPeriodStart(t), db));
  }
}

export function isUuid(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}
