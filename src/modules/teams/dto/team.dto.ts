import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { CursorPageQuery } from '../../../common/http/cursor-page';
import { LimitFieldsDto } from './limit-fields.dto';

export class CreateTeamDto extends LimitFieldsDto {
  @ApiProperty({ example: 'research' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;
}

export class UpdateTeamDto extends PartialType(CreateTeamDto) {}

export class TeamListQuery extends CursorPageQuery {
  @ApiPropertyOptional({ description: 'exact team name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;
}
