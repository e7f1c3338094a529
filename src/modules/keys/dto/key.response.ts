import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '../../../common/http/page.response';
import { KEY_ROLES, type KeyRole } from '../../auth/identity';
import { LimitFieldsResponse, NULLABLE_TIME } from '../../teams/dto/limit-fields.response';

/** A key as the admin API (and `GET /v1/key`) returns it (contract §6): never a hash or a secret. */
export class KeyResponse extends LimitFieldsResponse {
  @ApiProperty({ type: String, format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, nullable: true, example: 'ci-pipeline' })
  name!: string | null;

  @ApiProperty({ type: String, example: 'sk-sb-AbCd', description: 'the first characters of the key' })
  key_prefix!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  team_id!: string | null;

  @ApiProperty({ enum: KEY_ROLES })
  role!: KeyRole;

  @ApiProperty(NULLABLE_TIME)
  expires_at!: string | null;

  @ApiProperty(NULLABLE_TIME)
  last_used_at!: string | null;

  @ApiProperty(NULLABLE_TIME)
  revoked_at!: string | null;

  @ApiProperty({
    ...NULLABLE_TIME,
    description:
      'until when the secret replaced by the last rotation still works; null without a grace period',
  })
  previous_key_expires_at!: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  created_at!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updated_at!: string;
}

/** The create and rotate answers: the key's view with its plaintext secrets, returned this once. */
export class KeyWithSecretsResponse extends KeyResponse {
  @ApiProperty({
    type: String,
    example: 'sk-sb-…',
    description: 'the plaintext key; shown only in this response',
  })
  key!: string;

  @ApiProperty({
    type: String,
    description: "the secret signing this key's webhooks; shown only in this response",
  })
  webhook_secret!: string;
}

export class KeyPage extends PageOf(KeyResponse) {}

/** `GET /v1/key` called with the master key: an admin with no record, team or limits. */
export class MasterKeyResponse {
  @ApiProperty({ type: 'null' })
  id!: null;

  @ApiProperty({ type: String, enum: ['master'] })
  name!: 'master';

  @ApiProperty({ type: 'null' })
  key_prefix!: null;

  @ApiProperty({ type: 'null' })
  team_id!: null;

  @ApiProperty({ type: String, enum: ['admin'] })
  role!: 'admin';

  @ApiProperty({ type: [String], maxItems: 0, description: 'empty: every model' })
  allowed_models!: string[];

  @ApiProperty({ type: String, enum: ['0'] })
  spend_usd!: '0';
}
