import { Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { VideoModule } from './video.module';
import { VIDEO_CALLBACK_QUEUE, VIDEO_POLL_QUEUE } from './video-queue';
import { VideoCallbackProcessor, VideoPollProcessor } from './video-processors';
import { VideoRecovery } from './video-recovery';

/** The worker side of video tasks (roles `worker` and `all`): the BullMQ processors and the recovery scan. */
@Module({
  imports: [
    VideoModule,
    BullModule.registerQueue({ name: VIDEO_POLL_QUEUE }, { name: VIDEO_CALLBACK_QUEUE }),
  ],
  providers: [VideoPollProcessor, VideoCallbackProcessor, VideoRecovery],
})
export class VideoWorkerModule {}
