import { ApiProperty } from '@nestjs/swagger';

/** `GET /health/live`. */
export class LivenessResponse {
  @ApiProperty({ type: String, enum: ['ok'] })
  status!: 'ok';
}

/** `GET /health/ready`: 200 when both stores answer and the limits run, 503 otherwise (same body). */
export class ReadinessResponse {
  @ApiProperty({ type: String, enum: ['ok', 'unavailable'] })
  status!: 'ok' | 'unavailable';

  @ApiProperty({ type: Boolean, description: 'Postgres answered within 2 s' })
  postgres!: boolean;

  @ApiProperty({ type: Boolean, description: 'Redis answered within 2 s' })
  redis!: boolean;

  @ApiProperty({
    type: Boolean,
    description:
      'Rate limits and budgets can run: Redis is not a Cluster node and no limits script failed on it in the last 10 s',
  })
  limits!: boolean;
}
