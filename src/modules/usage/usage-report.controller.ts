import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AdminGuard, AllowTeamAdmin, KeyGuard } from '../auth/admin.guard';
import { CurrentIdentity } from '../auth/request-identity';
import type { Identity } from '../auth/identity';
import { UsageReportService, type UsageSummary } from './usage-report.service';

@ApiTags('Admin: usage')
@Controller('admin/usage')
@UseGuards(AdminGuard)
@AllowTeamAdmin()
export class AdminUsageController {
  constructor(private readonly reports: UsageReportService) {}

  @Get('summary')
  @ApiOperation({
    summary:
      'Usage totals grouped by any of day, model, key, team, provider (from/to, team_id, key_id, model filters)',
  })
  summary(@Query() q: Record<string, unknown>, @CurrentIdentity() identity: Identity): Promise<UsageSummary> {
    return this.reports.summary(this.reports.parseGroupBy(q.group_by), this.reports.filters(q, identity));
  }

  @Get('logs')
  @ApiOperation({ summary: 'One row per usage record, newest first, cursor pages; ?format=csv streams CSV' })
  async logs(
    @Query() q: Record<string, unknown>,
    @CurrentIdentity() identity: Identity,
    @Res() res: Response,
  ): Promise<void> {
    const f = this.reports.filters(q, identity);
    if (q.format === 'csv') return this.reports.logsCsv(f, res);
    res.status(200).json(await this.reports.logs(f, q.limit, q.cursor));
  }
}

@ApiTags('OpenAI')
@Controller()
@UseGuards(KeyGuard)
export class SelfUsageController {
  constructor(private readonly reports: UsageReportService) {}

  @Get(['v1/usage', 'usage'])
  @ApiOperation({ summary: "The calling key's usage (summary shape)" })
  usage(@Query() q: Record<string, unknown>, @Req() req: Request): Promise<UsageSummary> {
    return this.reports.summary(
      this.reports.parseGroupBy(q.group_by),
      this.reports.filters(q, req.identity!, true),
    );
  }
}
