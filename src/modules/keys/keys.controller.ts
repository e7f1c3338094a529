import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  UseGuards,
  UsePipes,
} from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminGuard, AllowTeamAdmin } from '../auth/admin.guard';
import { adminValidationPipe } from '../auth/admin-validation.pipe';
import type { Identity } from '../auth/identity';
import { CurrentActor, CurrentIdentity, type Actor } from '../auth/request-identity';
import { ApiKeyService } from './api-key.service';
import { CreateKeyDto, KeyListQuery, RotateKeyDto, UpdateKeyDto } from './dto/key.dto';
import { KeyPage, KeyResponse, KeyWithSecretsResponse } from './dto/key.response';

@ApiTags('Admin: keys')
@ApiBearerAuth()
@Controller('admin/keys')
@UseGuards(AdminGuard)
@AllowTeamAdmin()
@UsePipes(adminValidationPipe())
export class KeysController {
  constructor(private readonly keys: ApiKeyService) {}

  @Post()
  @ApiOperation({ summary: 'Create a virtual key; `key` and `webhook_secret` appear in this response only' })
  @ApiCreatedResponse({ type: KeyWithSecretsResponse })
  create(@Body() dto: CreateKeyDto, @CurrentActor() actor: Actor): Promise<KeyWithSecretsResponse> {
    return this.keys.create(dto, actor);
  }

  @Get()
  @ApiOperation({ summary: 'List keys (cursor pages; team admins see their team only)' })
  @ApiOkResponse({ type: KeyPage })
  list(@Query() q: KeyListQuery, @CurrentIdentity() identity: Identity): Promise<KeyPage> {
    return this.keys.list(q, identity);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a key (never its secret)' })
  @ApiOkResponse({ type: KeyResponse })
  get(@Param('id') id: string, @CurrentIdentity() identity: Identity): Promise<KeyResponse> {
    return this.keys.get(id, identity);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a key (null clears a limit); every replica sees it at once' })
  @ApiOkResponse({ type: KeyResponse })
  update(
    @Param('id') id: string,
    @Body() dto: UpdateKeyDto,
    @CurrentActor() actor: Actor,
  ): Promise<KeyResponse> {
    return this.keys.update(id, dto, actor);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a key: it stops working on every replica within a second' })
  @ApiOkResponse({ type: KeyResponse })
  revoke(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<KeyResponse> {
    return this.keys.revoke(id, actor);
  }

  @Post(':id/rotate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate a key: a new secret, the old one valid for grace_period_seconds (default 0)',
  })
  @ApiOkResponse({ type: KeyWithSecretsResponse })
  rotate(
    @Param('id') id: string,
    @Body() dto: RotateKeyDto,
    @CurrentActor() actor: Actor,
  ): Promise<KeyWithSecretsResponse> {
    return this.keys.rotate(id, dto, actor);
  }
}
