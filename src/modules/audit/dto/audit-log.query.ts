import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { CursorPageQuery } from '../../../common/http/cursor-page';

export class AuditLogQuery extends CursorPageQuery {
  @ApiPropertyOptional({ example: 'key.revoke' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  action?: string;

  @ApiPropertyOptional({ enum: ['team', 'key'] })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  target_type?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  target_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  actor_key_id?: string;
}
