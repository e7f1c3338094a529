import { ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { CursorPageQuery } from '../../../common/http/cursor-page';
import { KEY_ROLES, type KeyRole } from '../../auth/identity';
import { LimitFieldsDto } from '../../teams/dto/limit-fields.dto';

export class CreateKeyDto extends LimitFieldsDto {
  @ApiPropertyOptional({ example: 'ci-pipeline' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID()
  team_id?: string | null;

  @ApiPropertyOptional({ enum: KEY_ROLES, default: 'member' })
  @IsOptional()
  @IsIn(KEY_ROLES)
  role?: KeyRole;

  @ApiPropertyOptional({ format: 'date-time', nullable: true })
  @IsOptional()
  @IsISO8601({ strict: true })
  expires_at?: string | null;
}

export class UpdateKeyDto extends PartialType(CreateKeyDto) {}

export class RotateKeyDto {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 2_592_000,
    default: 0,
    description: 'how long the old key keeps working',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2_592_000)
  grace_period_seconds?: number;
}

export class KeyListQuery extends CursorPageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  team_id?: string;

  @ApiPropertyOptional({ enum: KEY_ROLES })
  @IsOptional()
  @IsIn(KEY_ROLES)
  role?: KeyRole;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ description: 'true: only revoked keys; false: only keys not revoked' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  revoked?: boolean;
}
