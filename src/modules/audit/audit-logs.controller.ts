import { Controller, Get, Query, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from '../auth/admin.guard';
import { adminValidationPipe } from '../auth/admin-validation.pipe';
import { AuditLogService } from './audit-log.service';
import { AuditLogQuery } from './dto/audit-log.query';
import { AuditLogPage } from './dto/audit-log.response';

@ApiTags('Admin: audit')
@ApiBearerAuth()
@Controller('admin/audit-logs')
@UseGuards(AdminGuard)
@UsePipes(adminValidationPipe())
export class AuditLogsController {
  constructor(private readonly audit: AuditLogService) {}

  @Get()
  @ApiOperation({
    summary: 'Admin writes, newest first: actor, action, target, before/after (secrets removed), request id',
  })
  @ApiOkResponse({ type: AuditLogPage })
  list(@Query() q: AuditLogQuery): Promise<AuditLogPage> {
    return this.audit.list(q);
  }
}
