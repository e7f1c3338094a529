import { Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { BullModule, InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { Logger } from '../../common/logging/logger';
import { LOGGER } from '../../common/logging/logger.module';
import { VideoModule } from './video.module';
import { logQueueErrors, VIDEO_CALLBACK_QUEUE, VIDEO_POLL_QUEUE } from './video-queue';
import { VideoCallbackProcessor, VideoPollProcessor } from './video-processors';
import { VideoRecovery } from './video-recovery';

/** The worker module's own queue objects log their connection errors as the API's do. */
@Injectable()
class RegisteredQueueErrors implements OnModuleInit {
  constructor(
    @InjectQueue(VIDEO_POLL_QUEUE) private readonly poll: Queue,
    @InjectQueue(VIDEO_CALLBACK_QUEUE) private readonly callback: Queue,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    for (const q of [this.poll, this.callback]) logQueueErrors(q, this.logger);
  }
}

/** The worker side of video tasks (roles `worker` and `all`): the BullMQ processors and the recovery scan. */
@Module({
  imports: [
    VideoModule,
    BullModule.registerQueue({ name: VIDEO_POLL_QUEUE }, { name: VIDEO_CALLBACK_QUEUE }),
  ],
  providers: [VideoPollProcessor, VideoCallbackProcessor, VideoRecovery, RegisteredQueueErrors],
})
export class VideoWorkerModule {}
