import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageOf } from '../../../common/http/page.response';
import { PROVIDER_IDS } from '../../../providers/core/adapter';
import type { RouterSettingsWire } from '../router-settings';
import type { DeploymentWire } from './deployment-wire';

const SOURCE = {
  type: String,
  enum: ['api', 'config'],
  description: 'config: declared in the YAML; api: made through the admin API',
} as const;
const FREE_FORM = { type: 'object', additionalProperties: true } as const;
const TIME = { type: String, format: 'date-time' } as const;
const PRICE = (description?: string) => ({ type: String, example: '0.15', description }) as const;

/** A deployment as the admin API returns it: never its credential, `has_api_key` only. */
export class DeploymentResponse implements DeploymentWire {
  @ApiProperty({ type: String, format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, example: 'gpt-4o-mini' }) model_name!: string;
  @ApiProperty({ type: String, enum: PROVIDER_IDS }) provider!: string;
  @ApiProperty({ type: String, example: 'gpt-4o-mini-2024-07-18' }) upstream_model!: string;
  @ApiProperty({ type: String, nullable: true }) base_url!: string | null;
  @ApiProperty({ type: Boolean, description: 'a credential is stored (it is never returned)' })
  has_api_key!: boolean;
  @ApiProperty({ type: Number, format: 'int32' }) weight!: number;
  @ApiProperty({ type: Number, format: 'int32', description: 'lower values are tried first' })
  priority!: number;
  @ApiProperty({ type: Number, format: 'int32', nullable: true }) rpm_limit!: number | null;
  @ApiProperty({ type: Number, format: 'int32', nullable: true }) tpm_limit!: number | null;
  @ApiProperty({ type: Number, format: 'int32' }) connect_timeout_ms!: number;
  @ApiProperty({ type: Number, format: 'int32' }) timeout_ms!: number;
  @ApiProperty({ type: Number, format: 'int32' }) stream_idle_timeout_ms!: number;
  @ApiProperty({ type: Boolean }) enabled!: boolean;
  @ApiProperty(SOURCE) source!: string;
  @ApiProperty({ ...FREE_FORM, description: 'provider-specific settings (e.g. api_version)' })
  settings!: unknown;
  @ApiProperty(TIME) created_at!: string;
  @ApiProperty(TIME) updated_at!: string;
}

export class DeploymentPage extends PageOf(DeploymentResponse) {}

/** The long-context tier of a model's prices (contract §6 `long_context`). */
export class LongContextPricingResponse {
  @ApiProperty({ type: String, example: '200000', description: 'prompt tokens above which the tier applies' })
  threshold_tokens!: string;
  @ApiProperty(PRICE()) input_per_mtok!: string;
  @ApiPropertyOptional(PRICE()) output_per_mtok?: string;
  @ApiPropertyOptional(PRICE()) cached_input_per_mtok?: string;
}

/** Prices in USD per million tokens (or per unit), decimal strings; a field not set is absent. */
export class ModelPricingResponse {
  @ApiPropertyOptional(PRICE()) input_per_mtok?: string;
  @ApiPropertyOptional(PRICE()) output_per_mtok?: string;
  @ApiPropertyOptional(PRICE('default: input_per_mtok')) cached_input_per_mtok?: string;
  @ApiPropertyOptional(PRICE()) cache_write_per_mtok?: string;
  @ApiPropertyOptional(PRICE('Anthropic 1-hour cache writes; default: cache_write_per_mtok'))
  cache_write_1h_per_mtok?: string;
  @ApiPropertyOptional(PRICE('Gemini context caches: tokens × TTL hours'))
  cache_storage_per_mtok_hour?: string;
  @ApiPropertyOptional(PRICE('default: output_per_mtok')) reasoning_per_mtok?: string;
  @ApiPropertyOptional(PRICE()) audio_input_per_mtok?: string;
  @ApiPropertyOptional(PRICE('default: audio_input_per_mtok')) cached_audio_input_per_mtok?: string;
  @ApiPropertyOptional(PRICE()) audio_output_per_mtok?: string;
  @ApiPropertyOptional(PRICE('image output tokens (Gemini image models)')) image_output_per_mtok?: string;
  @ApiPropertyOptional({ type: LongContextPricingResponse }) long_context?: LongContextPricingResponse;
  @ApiPropertyOptional(PRICE()) per_image?: string;
  @ApiPropertyOptional(PRICE()) per_video_second?: string;
  @ApiPropertyOptional(PRICE('audio transcribed or spoken, per second')) per_audio_second?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { '720p': '0.10', '1080p': '0.15' },
  })
  per_video_second_by_resolution?: Record<string, string>;
  @ApiPropertyOptional(PRICE()) per_request?: string;
}

/** A public model as the admin API returns it, with its deployments. */
export class ModelResponse {
  @ApiProperty({ type: String, example: 'gpt-4o-mini' }) name!: string;
  @ApiProperty(SOURCE) source!: string;
  @ApiProperty({ type: Boolean, description: 'the name ends in `/*`' }) wildcard!: boolean;
  @ApiProperty({ type: [String] }) aliases!: string[];
  @ApiProperty({ type: [String] }) fallbacks!: string[];
  @ApiProperty({ type: [String] }) context_window_fallbacks!: string[];
  @ApiProperty({ type: [String] }) content_policy_fallbacks!: string[];
  @ApiProperty({
    type: ModelPricingResponse,
    description: 'effective prices: the shipped table with the overrides merged over it',
  })
  pricing!: ModelPricingResponse;
  @ApiProperty({
    type: ModelPricingResponse,
    description: 'what the catalog stores (YAML `pricing:` and `PUT …/pricing`)',
  })
  pricing_overrides!: ModelPricingResponse;
  @ApiProperty(FREE_FORM) settings!: unknown;
  @ApiProperty({ type: [DeploymentResponse] }) deployments!: DeploymentResponse[];
  @ApiProperty(TIME) created_at!: string;
  @ApiProperty(TIME) updated_at!: string;
}

export class ModelPage extends PageOf(ModelResponse) {}

export class RouterCooldownResponse {
  @ApiProperty({
    type: Number,
    format: 'int32',
    description: 'failures within the window that start a cooldown',
  })
  failures!: number;
  @ApiProperty({ type: Number, format: 'int32' }) window_seconds!: number;
  @ApiProperty({ type: Number, format: 'int32' }) cooldown_seconds!: number;
}

/** `GET|PUT /admin/router`: the router settings in force. */
export class RouterSettingsResponse implements RouterSettingsWire {
  @ApiProperty({ type: String, enum: ['weighted', 'least-busy', 'lowest-latency', 'usage-based'] })
  strategy!: RouterSettingsWire['strategy'];
  @ApiProperty({ type: Number, format: 'int32' }) retries!: number;
  @ApiProperty({ type: RouterCooldownResponse }) cooldown!: RouterCooldownResponse;
}
