import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminGuard, AllowTeamAdmin } from '../../auth/admin.guard';
import { adminValidationPipe } from '../../auth/admin-validation.pipe';
import type { Identity } from '../../auth/identity';
import { CurrentActor, CurrentIdentity, type Actor } from '../../auth/request-identity';
import { ResolveVideoTaskDto, VideoTaskListQuery } from './dto/video-task-admin.query';
import { VideoTaskAdminPage, VideoTaskAdminResponse } from './dto/video-task-admin.response';
import { VideoTasksAdminService } from './video-tasks-admin.service';

@ApiTags('Admin: video tasks')
@ApiBearerAuth()
@Controller('admin/video-tasks')
@UseGuards(AdminGuard)
@UsePipes(adminValidationPipe())
export class VideoTasksAdminController {
  constructor(private readonly tasks: VideoTasksAdminService) {}

  @Get()
  @AllowTeamAdmin()
  @ApiOperation({
    summary: 'List video tasks, newest first (cursor pages; filters; team admins see their team only)',
  })
  @ApiOkResponse({ type: VideoTaskAdminPage })
  list(@Query() q: VideoTaskListQuery, @CurrentIdentity() identity: Identity): Promise<VideoTaskAdminPage> {
    return this.tasks.list(q, identity);
  }

  @Get(':id')
  @AllowTeamAdmin()
  @ApiOperation({ summary: 'Get a video task: its state, upstream task and billing (never the request)' })
  @ApiOkResponse({ type: VideoTaskAdminResponse })
  get(@Param('id') id: string, @CurrentIdentity() identity: Identity): Promise<VideoTaskAdminResponse> {
    return this.tasks.get(id, identity);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Resolve a task whose reservation is held (a timeout): charge it (cost_usd, else the reservation) or release it; 409 unless held',
  })
  @ApiOkResponse({ type: VideoTaskAdminResponse })
  resolve(
    @Param('id') id: string,
    @Body() dto: ResolveVideoTaskDto,
    @CurrentActor() actor: Actor,
  ): Promise<VideoTaskAdminResponse> {
    return this.tasks.resolve(id, dto, actor);
  }
}
