import { Injectable } from '@nestjs/common';
import { GatewayError, invalidRequest } from '../../../common/errors/gateway-error';
import {
  afterCreatedAt,
  createdAtPosition,
  decodeCursor,
  isCreatedAtPosition,
  pageLimit,
  toPage,
  type Page,
} from '../../../common/http/cursor-page';
import { PrismaService } from '../../../database/prisma.service';
import { ReportDatabase } from '../../../database/report-database.service';
import { openAiVideoIdOf } from '../../../dialects/video/openai-videos';
import { seedanceIdOf } from '../../../dialects/video/seedance-native';
import { TASK_ID_PATTERN } from '../../../dialects/video/video-fields';
import { AuditLogService } from '../../audit/audit-log.service';
import type { Identity } from '../../auth/identity';
import { assertTeamInScope, teamScopeOf, type Actor } from '../../auth/request-identity';
import { VideoSettlement } from '../video-settlement';
import { VideoTaskStore, type VideoTaskRow } from '../video-task.store';
import type { ResolveVideoTaskDto, VideoTaskListQuery } from './dto/video-task-admin.query';
import type { VideoTaskAdminResponse } from './dto/video-task-admin.response';
import { videoTaskAdminView } from './video-task-admin.view';

/**
 * The admin side of video tasks (contract §6): list and read every task (a team admin: its team's
 * only, deleted ones included, since their billing still matters), and resolve a task whose
 * reservation is held after a timeout, audited.
 */
@Injectable()
export class VideoTasksAdminService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly reports: ReportDatabase,
    private readonly store: VideoTaskStore,
    private readonly settlement: VideoSettlement,
    private readonly audit: AuditLogService,
  ) {}

  /**
   * Newest first, cursor pages; a team admin naming another team gets a 403. A report: read from the
   * read replica when one is configured (get and resolve read the primary, so a decision never lags).
   */
  async list(q: VideoTaskListQuery, identity: Identity): Promise<Page<VideoTaskAdminResponse>> {
    const scope = teamScopeOf(identity);
    if (scope && q.team_id && q.team_id !== scope) assertTeamInScope(identity, q.team_id);
    const teamId = scope ?? q.team_id;
    const limit = pageLimit(q);
    const rows = await this.reports.prisma.videoTask.findMany({
      where: {
        ...(teamId ? { teamId } : {}),
        ...(q.key_id ? { keyId: q.key_id } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.settlement ? { settlement: q.settlement } : {}),
        ...(q.model ? { model: q.model } : {}),
        ...afterCreatedAt(decodeCursor(q.cursor, isCreatedAtPosition)),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
    return toPage(rows, limit, videoTaskAdminView, createdAtPosition);
  }

  async get(id: string, identity: Identity): Promise<VideoTaskAdminResponse> {
    return videoTaskAdminView(await this.find(id, identity));
  }

  /**
   * Charges (`cost_usd`, else the reservation) or releases a held task's reservation, exactly once: a
   * task that is not held, or that another resolve settled first, is a 409. The settlement goes
   * through Redis (not a database transaction); the audit row is written once it succeeded.
   */
  async resolve(id: string, dto: ResolveVideoTaskDto, actor: Actor): Promise<VideoTaskAdminResponse> {
    if (dto.action === 'release' && dto.cost_usd !== undefined)
      throw invalidRequest('cost_usd goes only with action charge', 'cost_usd');
    const row = await this.find(id, actor.identity);
    if (row.settlement !== 'held') throw notHeld(row);
    if (!(await this.settlement.resolveHeld(row, dto.action, dto.cost_usd)))
      throw notHeld((await this.store.get(row.id)) ?? row);
    const after = (await this.store.get(row.id)) ?? row;
    const view = videoTaskAdminView(after);
    await this.audit.record(this.prisma, actor, {
      action: 'video_task.resolve',
      targetType: 'video_task',
      targetId: row.id,
      before: videoTaskAdminView(row),
      after: view,
    });
    return view;
  }

  /** The task by its gateway id (or a dialect's id for it) if the caller may see it, else a 404. */
  private async find(id: string, identity: Identity): Promise<VideoTaskRow> {
    const taskId = gatewayTaskIdOf(id);
    const row = taskId ? await this.store.get(taskId) : null;
    const scope = teamScopeOf(identity);
    if (!row || (scope !== undefined && row.teamId !== scope))
      throw new GatewayError('not_found', `Video task '${id}' does not exist`, { param: 'id' });
    return row;
  }
}

/** The gateway id in a task id as the admin API (32 hex) or a client dialect (`video_…`, `cgt-…`) writes it. */
export function gatewayTaskIdOf(id: string): string | undefined {
  if (TASK_ID_PATTERN.test(id)) return id;
  return openAiVideoIdOf(id) ?? seedanceIdOf(id);
}

function notHeld(row: VideoTaskRow): GatewayError {
  return new GatewayError(
    'conflict',
    `Video task '${row.id}' is not held (its settlement is '${row.settlement}'); only a held task can be resolved`,
    { param: 'id' },
  );
}
