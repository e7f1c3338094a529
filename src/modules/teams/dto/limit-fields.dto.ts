import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Max,
  Min,
} from 'class-validator';
import { INT32_MAX } from '../../../common/validation/int32';
import { BUDGET_DURATIONS, type BudgetDuration } from '../../usage/budget-period';

const MONEY = /^\d{1,10}(\.\d{1,10})?$/;
const MODEL_PATTERN = /^[^\s*]+(\/\*)?$/;

/** Money arrives as a decimal string or a number; a number is taken by its decimal text, never by float arithmetic. */
const toMoneyText = ({ value }: { value: unknown }): unknown =>
  typeof value === 'number' && Number.isFinite(value) ? String(value) : value;

/** Budget, rate-limit and model-list fields shared by teams and keys (snake_case on the wire; null clears). */
export class LimitFieldsDto {
  @ApiPropertyOptional({
    type: String,
    example: '10.5',
    nullable: true,
    description: 'USD, decimal string (numbers accepted)',
  })
  @IsOptional()
  @Transform(toMoneyText)
  @IsString({ message: 'max_budget_usd must be a decimal string such as "10.5"' })
  @Matches(MONEY, {
    message:
      'max_budget_usd must be a non-negative decimal such as "10.5" (at most 10 digits before and after the point)',
  })
  max_budget_usd?: string | null;

  @ApiPropertyOptional({ enum: BUDGET_DURATIONS, nullable: true })
  @IsOptional()
  @IsIn(BUDGET_DURATIONS)
  budget_duration?: BudgetDuration | null;

  @ApiPropertyOptional({ minimum: 1, maximum: INT32_MAX, nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(INT32_MAX)
  rpm_limit?: number | null;

  @ApiPropertyOptional({ minimum: 1, maximum: INT32_MAX, nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(INT32_MAX)
  tpm_limit?: number | null;

  @ApiPropertyOptional({
    type: [String],
    example: ['gpt-4o-mini', 'openai/*'],
    description: 'exact names and prefix/* patterns; empty = every model',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  @Matches(MODEL_PATTERN, {
    each: true,
    message: 'allowed_models entries must be model names or prefix/* patterns',
  })
  allowed_models?: string[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  metadata?: Record<string, unknown>;
}

/** The Prisma fields for the limit fields that were given (undefined: untouched; null: cleared). */
export function limitData(dto: LimitFieldsDto): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  if (dto.max_budget_usd !== undefined) data.maxBudgetUsd = dto.max_budget_usd;
  if (dto.budget_duration !== undefined) data.budgetDuration = dto.budget_duration;
  if (dto.rpm_limit !== undefined) data.rpmLimit = dto.rpm_limit;
  if (dto.tpm_limit !== undefined) data.tpmLimit = dto.tpm_limit;
  if (dto.allowed_models !== undefined && dto.allowed_models !== null)
    data.allowedModels = dto.allowed_models;
  if (dto.metadata !== undefined && dto.metadata !== null) data.metadata = dto.metadata;
  return data;
}
