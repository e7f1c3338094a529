import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '../../../../common/http/page.response';

const DECIMAL = (description: string, nullable = false) =>
  ({ type: String, example: '0.4', description, nullable }) as const;
const TEXT = (description?: string) => ({ type: String, nullable: true, description }) as const;
const TIME = (description?: string) =>
  ({ type: String, format: 'date-time', nullable: true, description }) as const;

/** The statuses of a video task (contract §5). */
export const VIDEO_TASK_STATUSES = ['queued', 'in_progress', 'completed', 'failed', 'cancelled'] as const;

/** Where a task's reservation stands: `reserved` until it ends, then `charged` or `released` once; `held` after a timeout until an admin resolves it. */
export const VIDEO_SETTLEMENTS = ['reserved', 'charged', 'released', 'held'] as const;

/** The client APIs a task can be created through. */
export const VIDEO_DIALECTS = ['openai', 'kling', 'seedance', 'veo'] as const;

/** Why a task failed (or was cancelled). */
export class VideoTaskErrorResponse {
  @ApiProperty({ type: String, example: 'task_timeout' })
  code!: string;

  @ApiProperty({ type: String })
  message!: string;
}

/**
 * A video task as the admin API shows it (contract §6): the gateway's state, where it runs upstream,
 * and its billing. Never the request (it may hold image data) nor the callback URL's query (it may hold
 * a token).
 */
export class VideoTaskAdminResponse {
  @ApiProperty({
    type: String,
    example: '0193a1b2c3d4e5f60718293a4b5c6d7e',
    description: "the gateway's task id",
  })
  id!: string;

  @ApiProperty({ type: String, enum: VIDEO_TASK_STATUSES })
  status!: string;

  @ApiProperty({ type: Number, format: 'int32', minimum: 0, maximum: 100 })
  progress!: number;

  @ApiProperty({ type: String, description: 'the public model the client asked for' })
  model!: string;

  @ApiProperty({ type: String, example: 'kling' })
  provider!: string;

  @ApiProperty({ type: String })
  deployment_id!: string;

  @ApiProperty({ type: String })
  upstream_model!: string;

  @ApiProperty(TEXT("the provider's task id; null until the provider accepted the task"))
  upstream_task_id!: string | null;

  @ApiProperty(TEXT("the provider's own status word, last seen"))
  upstream_status!: string | null;

  @ApiProperty({
    type: String,
    enum: VIDEO_DIALECTS,
    description: 'the client API the task was created through',
  })
  dialect!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null: the master key' })
  key_id!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  team_id!: string | null;

  @ApiProperty(DECIMAL('seconds: the billed ones once known, else the requested ones', true))
  seconds!: string | null;

  @ApiProperty(TEXT('`WxH`, as asked or implied'))
  size!: string | null;

  @ApiProperty(TEXT('e.g. 720p (the price tier)'))
  resolution!: string | null;

  @ApiProperty({ type: String, enum: VIDEO_SETTLEMENTS })
  settlement!: string;

  @ApiProperty(DECIMAL('USD reserved at submit, decimal string'))
  reserved_usd!: string;

  @ApiProperty(DECIMAL('USD charged (0 when released), decimal string; null until settled', true))
  cost_usd!: string | null;

  @ApiProperty({ type: VideoTaskErrorResponse, nullable: true })
  error!: VideoTaskErrorResponse | null;

  @ApiProperty({ type: Number, format: 'int32' })
  poll_count!: number;

  @ApiProperty(TIME('when the worker polls next; null once ended'))
  next_poll_at!: string | null;

  @ApiProperty({ type: Boolean, description: 'whether the task has a callback_url' })
  has_callback!: boolean;

  @ApiProperty(TEXT("the callback URL's origin and path (never its query, which may carry a token)"))
  callback_origin!: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  created_at!: string;

  @ApiProperty(TIME())
  completed_at!: string | null;

  @ApiProperty(TIME())
  settled_at!: string | null;
}

export class VideoTaskAdminPage extends PageOf(VideoTaskAdminResponse) {}
