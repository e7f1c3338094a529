import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
  registerDecorator,
  type ValidationOptions,
} from 'class-validator';
import { CursorPageQuery } from '../../../common/http/cursor-page';
import { INT32_MAX } from '../../../common/validation/int32';
import { moneyText } from '../../../common/validation/money-text';
import type { ProviderId } from '../../../providers/core/adapter';
import { SERVED_PROVIDERS, unservedProviderReason } from '../../../providers/provider-registry';

const STRATEGIES = ['weighted', 'least-busy', 'lowest-latency', 'usage-based'] as const;
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:@/-]*(\/\*)?$/;
const URL_OPTS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };
/** Present (not undefined): null is then refused by the field's own rule. */
const present = (_: object, v: unknown) => v !== undefined;
/** Present and not null: null clears a nullable field. */
const given = (_: object, v: unknown) => v !== undefined && v !== null;
/** Only the providers this build has an adapter for (the registry's list, growing as providers land). */
const IsServedProvider = () =>
  IsIn([...SERVED_PROVIDERS], { message: (a) => unservedProviderReason(String(a.value)) });

export class CreateDeploymentDto {
  @ApiProperty({
    example: 'gpt-4o-mini',
    description: 'public model name; a name ending in `/*` is a wildcard model',
  })
  @IsString()
  @MaxLength(200)
  @Matches(MODEL_NAME, {
    message: 'model_name must be a model name (letters, digits, . _ : @ / -), optionally ending in /*',
  })
  model_name!: string;

  @ApiProperty({ enum: SERVED_PROVIDERS })
  @IsServedProvider()
  provider!: ProviderId;

  @ApiPropertyOptional({ description: 'required unless model_name is a wildcard (`prefix/*`)' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  upstream_model?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUrl(URL_OPTS, { message: 'base_url must be an http(s) URL' })
  @MaxLength(2000)
  base_url?: string;

  @ApiPropertyOptional({ description: 'write-only; stored encrypted, never returned', writeOnly: true })
  @IsOptional()
  @IsString()
  @MaxLength(8192)
  api_key?: string;

  @ApiPropertyOptional({ default: 1 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  weight?: number;

  @ApiPropertyOptional({
    default: 0,
    description: 'lower values are tried first; a higher value is used only when every lower one is out',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  priority?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(INT32_MAX)
  rpm_limit?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(INT32_MAX)
  tpm_limit?: number;

  @ApiPropertyOptional({ default: 5000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(600_000)
  connect_timeout_ms?: number;

  @ApiPropertyOptional({ default: 120000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  timeout_ms?: number;

  @ApiPropertyOptional({ default: 60000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  stream_idle_timeout_ms?: number;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ description: 'provider-specific settings (e.g. api_version)' })
  @IsOptional()
  @IsObject()
  settings?: Record<string, unknown>;
}

/** PATCH: every field optional; `null` clears `base_url`, `api_key`, `rpm_limit`, `tpm_limit`. */
export class UpdateDeploymentDto {
  @ApiPropertyOptional()
  @ValidateIf(present)
  @IsString()
  @MaxLength(200)
  @Matches(MODEL_NAME, {
    message: 'model_name must be a model name (letters, digits, . _ : @ / -), optionally ending in /*',
  })
  model_name?: string;

  @ApiPropertyOptional({ enum: SERVED_PROVIDERS })
  @ValidateIf(present)
  @IsServedProvider()
  provider?: ProviderId;

  @ApiPropertyOptional()
  @ValidateIf(present)
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  upstream_model?: string;

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf(given)
  @IsUrl(URL_OPTS, { message: 'base_url must be an http(s) URL' })
  @MaxLength(2000)
  base_url?: string | null;

  @ApiPropertyOptional({ nullable: true, writeOnly: true })
  @ValidateIf(given)
  @IsString()
  @MaxLength(8192)
  api_key?: string | null;

  @ApiPropertyOptional()
  @ValidateIf(present)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  weight?: number;

  @ApiPropertyOptional()
  @ValidateIf(present)
  @IsInt()
  @Min(0)
  @Max(1000)
  priority?: number;

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf(given)
  @IsInt()
  @Min(1)
  @Max(INT32_MAX)
  rpm_limit?: number | null;

  @ApiPropertyOptional({ nullable: true })
  @ValidateIf(given)
  @IsInt()
  @Min(1)
  @Max(INT32_MAX)
  tpm_limit?: number | null;

  @ApiPropertyOptional()
  @ValidateIf(present)
  @IsInt()
  @Min(1)
  @Max(600_000)
  connect_timeout_ms?: number;

  @ApiPropertyOptional()
  @ValidateIf(present)
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  timeout_ms?: number;

  @ApiPropertyOptional()
  @ValidateIf(present)
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  stream_idle_timeout_ms?: number;

  @ApiPropertyOptional()
  @ValidateIf(present)
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional()
  @ValidateIf(present)
  @IsObject()
  settings?: Record<string, unknown>;
}

export class ListDeploymentsQuery extends CursorPageQuery {
  @ApiPropertyOptional({ description: 'only deployments of this public model' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  model_name?: string;
}

export class ListModelsQuery extends CursorPageQuery {}

/** A property decorator that checks a value with `validate`; the error names the property. */
function valueCheck(name: string, mustBe: string, validate: (v: unknown) => boolean) {
  return (options?: ValidationOptions) => (object: object, propertyName: string) =>
    registerDecorator({
      name,
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be ${mustBe}`, ...options },
      validator: { validate },
    });
}

/** A money value: a decimal string, or a JSON number (taken from its decimal text). */
const IsMoney = valueCheck('isMoney', 'a non-negative decimal string', (v) => moneyText(v) !== undefined);

/** A token count: a positive integer, as a JSON number or digits. */
const IsTokenCount = valueCheck(
  'isTokenCount',
  'a positive integer',
  (v) =>
    (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) ||
    (typeof v === 'string' && /^[1-9]\d{0,14}$/.test(v)),
);

/** The long-context tier (contract `long_context`): the whole request bills at these above the threshold. */
export class LongContextPricingDto {
  @ApiProperty({
    example: 200000,
    description: 'Prompt tokens (cached included) above which the tier applies',
  })
  @IsTokenCount()
  threshold_tokens!: string | number;
  @ApiProperty({ example: '2.50' }) @IsMoney() input_per_mtok!: string | number;
  @ApiPropertyOptional({ example: '15.00', description: 'default: the base output_per_mtok' })
  @IsOptional()
  @IsMoney()
  output_per_mtok?: string | number;
  @ApiPropertyOptional({ example: '0.25', description: "default: this tier's input_per_mtok" })
  @IsOptional()
  @IsMoney()
  cached_input_per_mtok?: string | number;
}

/** Pricing override fields (contract §6); `null` removes an override (back to the shipped price). */
export class PricingDto {
  @ApiPropertyOptional({ example: '0.15' }) @ValidateIf(given) @IsMoney() input_per_mtok?:
    | string
    | number
    | null;
  @ApiPropertyOptional({ example: '0.60' }) @ValidateIf(given) @IsMoney() output_per_mtok?:
    | string
    | number
    | null;
  @ApiPropertyOptional() @ValidateIf(given) @IsMoney() cached_input_per_mtok?: string | number | null;
  @ApiPropertyOptional() @ValidateIf(given) @IsMoney() cache_write_per_mtok?: string | number | null;
  @ApiPropertyOptional({ description: 'Anthropic 1-hour cache writes (default: cache_write_per_mtok)' })
  @ValidateIf(given)
  @IsMoney()
  cache_write_1h_per_mtok?: string | number | null;
  @ApiPropertyOptional({ description: 'Gemini context cache storage, per 1M tokens per hour of TTL' })
  @ValidateIf(given)
  @IsMoney()
  cache_storage_per_mtok_hour?: string | number | null;
  @ApiPropertyOptional() @ValidateIf(given) @IsMoney() reasoning_per_mtok?: string | number | null;
  @ApiPropertyOptional() @ValidateIf(given) @IsMoney() audio_input_per_mtok?: string | number | null;
  @ApiPropertyOptional({ description: 'Cached audio prompt tokens (default: audio_input_per_mtok)' })
  @ValidateIf(given)
  @IsMoney()
  cached_audio_input_per_mtok?: string | number | null;
  @ApiPropertyOptional() @ValidateIf(given) @IsMoney() audio_output_per_mtok?: string | number | null;

  @ApiPropertyOptional({
    type: () => LongContextPricingDto,
    nullable: true,
    description:
      'Prices of a request whose prompt exceeds `threshold_tokens` (Gemini Pro above 200k); replaces the shipped tier as a whole, null goes back to it',
  })
  @ValidateIf(given)
  @IsObject()
  @ValidateNested()
  @Type(() => LongContextPricingDto)
  long_context?: LongContextPricingDto | null;

  @ApiPropertyOptional() @ValidateIf(given) @IsMoney() per_image?: string | number | null;
  @ApiPropertyOptional() @ValidateIf(given) @IsMoney() per_video_second?: string | number | null;
  @ApiPropertyOptional({ description: 'Audio transcribed or spoken, per second (whisper-1: 0.0001)' })
  @ValidateIf(given)
  @IsMoney()
  per_audio_second?: string | number | null;
  @ApiPropertyOptional() @ValidateIf(given) @IsMoney() per_request?: string | number | null;

  @ApiPropertyOptional({ example: { '720p': '0.10', '1080p': '0.15' } })
  @ValidateIf(given)
  @IsObject()
  per_video_second_by_resolution?: Record<string, string | number> | null;
}

export class FallbacksDto {
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  fallbacks?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  context_window_fallbacks?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  content_policy_fallbacks?: string[];
}

export class AliasesDto {
  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:@/-]*$/, {
    each: true,
    message: 'aliases must be model names (letters, digits, . _ : @ / -)',
  })
  aliases!: string[];
}

export class CooldownDto {
  @ApiPropertyOptional({ default: 3 }) @IsOptional() @IsInt() @Min(1) @Max(10_000) failures?: number;
  @ApiPropertyOptional({ default: 60 }) @IsOptional() @IsInt() @Min(1) @Max(86_400) window_seconds?: number;
  @ApiPropertyOptional({ default: 30 }) @IsOptional() @IsInt() @Min(1) @Max(86_400) cooldown_seconds?: number;
}

/** PUT /admin/router: fields left out keep their current value. */
export class RouterSettingsDto {
  @ApiPropertyOptional({ enum: STRATEGIES })
  @IsOptional()
  @IsIn(STRATEGIES, { message: `strategy must be one of ${STRATEGIES.join(', ')}` })
  strategy?: (typeof STRATEGIES)[number];

  @ApiPropertyOptional({ default: 2 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(20)
  retries?: number;

  @ApiPropertyOptional({ type: CooldownDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => CooldownDto)
  cooldown?: CooldownDto;
}
