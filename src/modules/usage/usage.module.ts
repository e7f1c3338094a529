import { Module } from '@nestjs/common';
import { LimitsModule } from '../limits/limits.module';
import { AdminUsageController, SelfUsageController } from './usage-report.controller';
import { UsageReportService } from './usage-report.service';
import { UsageWriter } from './usage-writer';
import { UsageService } from './usage.service';

@Module({
  imports: [LimitsModule],
  controllers: [AdminUsageController, SelfUsageController],
  providers: [UsageService, UsageWriter, UsageReportService],
  exports: [UsageService, UsageWriter, LimitsModule],
})
export class UsageModule {}
