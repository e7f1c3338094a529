import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '../../../common/http/page.response';
import { LimitFieldsResponse } from './limit-fields.response';

/** A team as the admin API returns it (contract §6). */
export class TeamResponse extends LimitFieldsResponse {
  @ApiProperty({ type: String, format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, example: 'research' })
  name!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  created_at!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updated_at!: string;
}

export class TeamPage extends PageOf(TeamResponse) {}

/** The answer to `DELETE /admin/teams/{id}` (a soft delete). */
export class TeamDeletedResponse {
  @ApiProperty({ type: String, format: 'uuid' })
  id!: string;

  @ApiProperty({ type: Boolean, description: 'always true' })
  deleted!: true;
}
