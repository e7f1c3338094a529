import { ApiProperty } from '@nestjs/swagger';
import { BUDGET_DURATIONS } from '../../usage/budget-period';

const NULLABLE_TIME = { type: String, format: 'date-time', nullable: true } as const;

/** The limit and spend fields of a team's or a key's admin view (contract §6), as read back. */
export class LimitFieldsResponse {
  @ApiProperty({ type: String, nullable: true, example: '10.5', description: 'USD, decimal string' })
  max_budget_usd!: string | null;

  @ApiProperty({ type: String, enum: BUDGET_DURATIONS, nullable: true })
  budget_duration!: string | null;

  @ApiProperty({ type: Number, format: 'int32', nullable: true })
  rpm_limit!: number | null;

  @ApiProperty({ type: Number, format: 'int32', nullable: true })
  tpm_limit!: number | null;

  @ApiProperty({
    type: [String],
    example: ['gpt-4o-mini', 'openai/*'],
    description: 'exact names and prefix/* patterns; empty = every model',
  })
  allowed_models!: string[];

  @ApiProperty({ type: 'object', additionalProperties: true })
  metadata!: Record<string, unknown>;

  @ApiProperty({
    type: String,
    example: '0.000123',
    description: 'USD spent in the current budget period (all time without a budget_duration)',
  })
  spend_usd!: string;

  @ApiProperty({
    ...NULLABLE_TIME,
    description: 'the next budget period boundary; null without a budget_duration',
  })
  budget_reset_at!: string | null;
}

export { NULLABLE_TIME };
