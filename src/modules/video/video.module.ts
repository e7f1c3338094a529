import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ProvidersModule } from '../providers/providers.module';
import { RoutingModule } from '../routing/routing.module';
import { UsageModule } from '../usage/usage.module';
import { VideoTasksAdminController } from './admin/video-tasks-admin.controller';
import { VideoTasksAdminService } from './admin/video-tasks-admin.service';
import { VideoApiService } from './video-api.service';
import { VideoCallbacks } from './video-callbacks';
import { VideoContentService } from './video-content.service';
import { VideoPoller } from './video-poller';
import { VideoQueue } from './video-queue';
import { VideoSettlement } from './video-settlement';
import { VideoSubmitService } from './video-submit.service';
import { VideoTaskControl } from './video-task-control';
import { VideoTaskStore } from './video-task.store';
import { VideoUpstream } from './video-upstream';

/** Video tasks (contract §5): the client APIs, the task table, settlement; the worker side is VideoWorkerModule. */
@Module({
  imports: [AuthModule, RoutingModule, UsageModule, ProvidersModule],
  controllers: [VideoTasksAdminController],
  providers: [
    VideoApiService,
    VideoCallbacks,
    VideoContentService,
    VideoPoller,
    VideoQueue,
    VideoSettlement,
    VideoSubmitService,
    VideoTaskControl,
    VideoTaskStore,
    VideoUpstream,
    VideoTasksAdminService,
  ],
  exports: [VideoApiService, VideoPoller, VideoCallbacks, VideoQueue, VideoTaskStore, VideoSettlement],
})
export class VideoModule {}
