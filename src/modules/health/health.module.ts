import { Module } from '@nestjs/common';
import { LimitsModule } from '../limits/limits.module';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';

@Module({ imports: [LimitsModule], controllers: [HealthController], providers: [HealthService] })
export class HealthModule {}
