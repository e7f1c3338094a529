import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { CursorPageQuery } from '../../../../common/http/cursor-page';
import { VIDEO_SETTLEMENTS, VIDEO_TASK_STATUSES } from './video-task-admin.response';

/** `GET /admin/video-tasks` filters. */
export class VideoTaskListQuery extends CursorPageQuery {
  @ApiPropertyOptional({ enum: VIDEO_TASK_STATUSES })
  @IsOptional()
  @IsIn(VIDEO_TASK_STATUSES)
  status?: (typeof VIDEO_TASK_STATUSES)[number];

  @ApiPropertyOptional({ enum: VIDEO_SETTLEMENTS, description: '`held`: the timeouts awaiting a decision' })
  @IsOptional()
  @IsIn(VIDEO_SETTLEMENTS)
  settlement?: (typeof VIDEO_SETTLEMENTS)[number];

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  team_id?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  key_id?: string;

  @ApiPropertyOptional({ description: 'the public model name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  model?: string;
}

export const RESOLVE_ACTIONS = ['charge', 'release'] as const;
export type ResolveAction = (typeof RESOLVE_ACTIONS)[number];

/** The money the video_tasks columns hold: at most 10 digits before and after the point. */
const MONEY = /^\d{1,10}(\.\d{1,10})?$/;

/** `POST /admin/video-tasks/{id}/resolve`: the decision on a task whose reservation is held. */
export class ResolveVideoTaskDto {
  @ApiProperty({
    enum: RESOLVE_ACTIONS,
    description: 'charge: bill the task (cost_usd, else its reservation); release: give the reservation back',
  })
  @IsIn(RESOLVE_ACTIONS)
  action!: ResolveAction;

  @ApiPropertyOptional({
    type: String,
    example: '0.4',
    description: 'USD, decimal string (numbers accepted); only with charge; default: the reserved amount',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'number' && Number.isFinite(value) ? String(value) : value,
  )
  @IsString({ message: 'cost_usd must be a decimal string such as "0.4"' })
  @Matches(MONEY, {
    message:
      'cost_usd must be a non-negative decimal such as "0.4" (at most 10 digits before and after the point)',
  })
  cost_usd?: string;
}
