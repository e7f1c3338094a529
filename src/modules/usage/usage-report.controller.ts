import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AdminGuard, AllowTeamAdmin, KeyGuard } from '../auth/admin.guard';
import { CurrentIdentity } from '../auth/request-identity';
import type { Identity } from '../auth/identity';
import { ApiSelfUsageQuery, ApiUsageLogsQuery, ApiUsageSummaryQuery } from './dto/usage.query';
import { UsageLogPage, UsageSummaryResponse } from './dto/usage.response';
import { UsageReportService } from './usage-report.service';

@ApiTags('Admin: usage')
@ApiBearerAuth()
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
  @ApiUsageSummaryQuery()
  @ApiOkResponse({ type: UsageSummaryResponse })
  summary(
    @Query() q: Record<string, unknown>,
    @CurrentIdentity() identity: Identity,
  ): Promise<UsageSummaryResponse> {
    return this.reports.summary(this.reports.parseGroupBy(q.group_by), this.reports.filters(q, identity));
  }

  @Get('logs')
  @ApiOperation({
    summary: 'One row per usage record, newest first, cursor pages; ?format=csv streams CSV',
    description:
      'Filters: from/to, team_id, key_id, model (as the summary), provider and status; CSV honours them all.',
  })
  @ApiUsageLogsQuery()
  @ApiExtraModels(UsageLogPage)
  @ApiOkResponse({
    description:
      'JSON pages; with ?format=csv, every matching record as CSV (the same columns, a header row)',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(UsageLogPage) } },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  async logs(
    @Query() q: Record<string, unknown>,
    @CurrentIdentity() identity: Identity,
    @Res() res: Response,
  ): Promise<void> {
    const f = this.reports.logFilters(q, identity);
    if (q.format === 'csv') return this.reports.logsCsv(f, res);
    res.status(200).json(await this.reports.logs(f, q.limit, q.cursor));
  }
}

@ApiTags('OpenAI')
@ApiBearerAuth()
@Controller()
@UseGuards(KeyGuard)
export class SelfUsageController {
  constructor(private readonly reports: UsageReportService) {}

  @Get(['v1/usage', 'usage'])
  @ApiOperation({ summary: "The calling key's usage (summary shape)" })
  @ApiSelfUsageQuery()
  @ApiOkResponse({ type: UsageSummaryResponse })
  usage(@Query() q: Record<string, unknown>, @Req() req: Request): Promise<UsageSummaryResponse> {
    return this.reports.summary(
      this.reports.parseGroupBy(q.group_by),
      this.reports.filters(q, req.identity!, true),
    );
  }
}
