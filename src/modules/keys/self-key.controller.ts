import { Controller, Get, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { KeyGuard } from '../auth/admin.guard';
import type { Identity } from '../auth/identity';
import { CurrentIdentity } from '../auth/request-identity';
import { ApiKeyService } from './api-key.service';
import { KeyResponse, MasterKeyResponse } from './dto/key.response';

@ApiTags('Self-service')
@ApiBearerAuth()
@ApiExtraModels(KeyResponse, MasterKeyResponse)
@Controller()
@UseGuards(KeyGuard)
export class SelfKeyController {
  constructor(private readonly keys: ApiKeyService) {}

  @Get(['v1/key', 'key'])
  @ApiOperation({
    summary: "The calling key's own view (the shape of GET /admin/keys/{id}), without its secret",
  })
  @ApiOkResponse({
    description: 'a virtual key: its view; the master key: a fixed admin view with no record',
    schema: { oneOf: [{ $ref: getSchemaPath(KeyResponse) }, { $ref: getSchemaPath(MasterKeyResponse) }] },
  })
  self(@CurrentIdentity() identity: Identity): Promise<KeyResponse | MasterKeyResponse> {
    return this.keys.self(identity);
  }
}
