import { Module } from '@nestjs/common';
import { LimitsModule } from '../limits/limits.module';
import { UsageWriter } from './usage-writer';
import { UsageService } from './usage.service';

@Module({ imports: [LimitsModule], providers: [UsageService, UsageWriter], exports: [UsageService, UsageWriter, LimitsModule] })
export class UsageModule {}
