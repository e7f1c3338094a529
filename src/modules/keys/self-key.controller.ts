import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { KeyGuard } from '../auth/admin.guard';
import type { Identity } from '../auth/identity';
import { CurrentIdentity } from '../auth/request-identity';
import { ApiKeyService } from './api-key.service';

@ApiTags('Self-service')
@ApiBearerAuth()
@Controller()
@UseGuards(KeyGuard)
export class SelfKeyController {
  constructor(private readonly keys: ApiKeyService) {}

  @Get(['v1/key', 'key'])
  @ApiOperation({
    summary: "The calling key's own view (the shape of GET /admin/keys/{id}), without its secret",
  })
  self(@CurrentIdentity() identity: Identity): Promise<object> {
    return this.keys.self(identity);
  }
}
