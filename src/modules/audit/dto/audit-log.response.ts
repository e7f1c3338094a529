import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '../../../common/http/page.response';

const SNAPSHOT = {
  type: 'object',
  additionalProperties: true,
  nullable: true,
  description: "the target's admin view (secrets removed); null when there is none",
} as const;

/** Who made an audited write. */
export class AuditActorResponse {
  @ApiProperty({ type: String, enum: ['master', 'key', 'config'], description: 'config: the boot YAML sync' })
  type!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  key_id!: string | null;
}

/** One audit log entry (contract §6). */
export class AuditLogResponse {
  @ApiProperty({ type: String, example: '42', description: 'a decimal integer, increasing' })
  id!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  created_at!: string;

  @ApiProperty({ type: AuditActorResponse })
  actor!: AuditActorResponse;

  @ApiProperty({ type: String, example: 'key.revoke' })
  action!: string;

  @ApiProperty({ type: String, example: 'key' })
  target_type!: string;

  @ApiProperty({ type: String, nullable: true })
  target_id!: string | null;

  @ApiProperty(SNAPSHOT)
  before!: Record<string, unknown> | null;

  @ApiProperty(SNAPSHOT)
  after!: Record<string, unknown> | null;

  @ApiProperty({ type: String, nullable: true })
  request_id!: string | null;
}

export class AuditLogPage extends PageOf(AuditLogResponse) {}
