import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageOf } from '../../../common/http/page.response';

const INT = { type: Number, format: 'int64' } as const;
const DECIMAL = (description: string) => ({ type: String, example: '0.000123', description }) as const;
const GROUP = (description: string) => ({ type: String, nullable: true, description }) as const;

/** The figures of a usage summary row and of its totals (contract §9.6). */
export class UsageTotalsResponse {
  @ApiProperty(INT) requests!: number;
  @ApiProperty({ ...INT, description: 'records with status_code >= 400' }) errors!: number;
  @ApiProperty(INT) prompt_tokens!: number;
  @ApiProperty(INT) completion_tokens!: number;
  @ApiProperty(INT) reasoning_tokens!: number;
  @ApiProperty(INT) cached_tokens!: number;
  @ApiProperty({ ...INT, description: 'images generated or edited' }) images!: number;
  @ApiProperty(DECIMAL('seconds of audio transcribed or spoken, decimal string')) audio_seconds!: string;
  @ApiProperty(DECIMAL('seconds, decimal string')) video_seconds!: string;
  @ApiProperty(DECIMAL('USD, decimal string')) cost_usd!: string;
}

/** One summary row: the `group_by` fields asked for, then the figures. */
export class UsageSummaryRowResponse extends UsageTotalsResponse {
  @ApiPropertyOptional(GROUP('UTC day, YYYY-MM-DD (group_by=day)')) day?: string | null;
  @ApiPropertyOptional(GROUP('public model (group_by=model)')) model?: string | null;
  @ApiPropertyOptional(GROUP('group_by=key; null: the master key')) key_id?: string | null;
  @ApiPropertyOptional(GROUP('group_by=team; null: no team')) team_id?: string | null;
  @ApiPropertyOptional(GROUP('group_by=provider')) provider?: string | null;
}

/**
 * Present only when the range reaches before the oldest usage record kept (SWITCHBOARD_USAGE_RETENTION_DAYS
 * dropped the older partitions): that part is served from the daily rollup.
 */
export class UsageRetentionFlags {
  @ApiPropertyOptional({
    type: String,
    enum: ['rollup', 'rollup_and_records'],
    description:
      '`rollup`: the whole range is older than raw_available_from and comes from the daily rollup only (whole UTC days; no per-record logs); `rollup_and_records`: the part before raw_available_from does',
  })
  source?: 'rollup' | 'rollup_and_records';

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'the oldest time per-record usage is kept for; older records were dropped by retention',
  })
  raw_available_from?: string;
}

/** `GET /admin/usage/summary` and `GET /v1/usage`. */
export class UsageSummaryResponse extends UsageRetentionFlags {
  @ApiProperty({
    type: [UsageSummaryRowResponse],
    description: 'one row per group (one row without group_by)',
  })
  data!: UsageSummaryRowResponse[];

  @ApiProperty({ type: UsageTotalsResponse })
  totals!: UsageTotalsResponse;
}

/** One usage record (`GET /admin/usage/logs`, contract §9.6). */
export class UsageLogResponse {
  @ApiProperty({ type: String, format: 'uuid', description: "the record's gateway id" }) id!: string;
  @ApiProperty({ type: String }) request_id!: string;
  @ApiProperty({ type: String, format: 'date-time' }) created_at!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) key_id!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) team_id!: string | null;
  @ApiProperty({ type: String }) model!: string;
  @ApiProperty({ type: String, nullable: true }) deployment_id!: string | null;
  @ApiProperty({ type: String, nullable: true }) provider!: string | null;
  @ApiProperty({ type: String, nullable: true }) upstream_model!: string | null;
  @ApiProperty({ type: String, example: '/v1/chat/completions' }) endpoint!: string;
  @ApiProperty({ type: Number, format: 'int32' }) status_code!: number;
  @ApiProperty({ type: String, nullable: true }) error_type!: string | null;
  @ApiProperty({ type: Number, format: 'int32' }) prompt_tokens!: number;
  @ApiProperty({ type: Number, format: 'int32' }) completion_tokens!: number;
  @ApiProperty({ type: Number, format: 'int32' }) reasoning_tokens!: number;
  @ApiProperty({ type: Number, format: 'int32' }) cached_tokens!: number;
  @ApiProperty({ type: Number, format: 'int32' }) images!: number;
  @ApiProperty(DECIMAL('seconds, decimal string')) audio_seconds!: string;
  @ApiProperty(DECIMAL('seconds, decimal string')) video_seconds!: string;
  @ApiProperty(DECIMAL('USD, decimal string')) cost_usd!: string;
  @ApiProperty({ type: Number, format: 'int32' }) latency_ms!: number;
  @ApiProperty({ type: Number, format: 'int32', nullable: true }) ttft_ms!: number | null;
  @ApiProperty({ type: Boolean }) stream!: boolean;
  @ApiProperty({ type: Boolean, description: 'tokens counted locally: the provider gave no usage' })
  estimated!: boolean;
}

export class UsageLogPage extends PageOf(UsageLogResponse) {
  @ApiPropertyOptional({ enum: ['rollup', 'rollup_and_records'], description: 'see the summary' })
  source?: 'rollup' | 'rollup_and_records';

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'records older than this were dropped by retention (their totals stay in the summary)',
  })
  raw_available_from?: string;
}
