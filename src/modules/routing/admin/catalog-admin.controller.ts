import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  UseGuards,
  UsePipes,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Page } from '../../../common/http/cursor-page';
import { AdminGuard } from '../../auth/admin.guard';
import { adminValidationPipe } from '../../auth/admin-validation.pipe';
import { CurrentActor, type Actor } from '../../auth/request-identity';
import type { RouterSettingsWire } from '../router-settings';
import {
  AliasesDto,
  CreateDeploymentDto,
  FallbacksDto,
  ListDeploymentsQuery,
  ListModelsQuery,
  PricingDto,
  RouterSettingsDto,
  UpdateDeploymentDto,
} from './catalog-admin.dto';
import { CatalogAdminService, type DeploymentWire, type ModelWire } from './catalog-admin.service';

@ApiTags('admin: catalog')
@ApiBearerAuth()
@Controller('admin')
@UseGuards(AdminGuard)
@UsePipes(adminValidationPipe())
export class CatalogAdminController {
  constructor(private readonly service: CatalogAdminService) {}

  @Post('deployments')
  createDeployment(@Body() dto: CreateDeploymentDto, @CurrentActor() actor: Actor): Promise<DeploymentWire> {
    return this.service.createDeployment(dto, actor);
  }

  @Get('deployments')
  listDeployments(@Query() q: ListDeploymentsQuery): Promise<Page<DeploymentWire>> {
    return this.service.listDeployments(q);
  }

  @Get('deployments/:id')
  getDeployment(@Param('id') id: string): Promise<DeploymentWire> {
    return this.service.getDeployment(id);
  }

  @Patch('deployments/:id')
  updateDeployment(
    @Param('id') id: string,
    @Body() dto: UpdateDeploymentDto,
    @CurrentActor() actor: Actor,
  ): Promise<DeploymentWire> {
    return this.service.updateDeployment(id, dto, actor);
  }

  @Delete('deployments/:id')
  @HttpCode(204)
  deleteDeployment(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<void> {
    return this.service.deleteDeployment(id, actor);
  }

  @Get('models')
  listModels(@Query() q: ListModelsQuery): Promise<Page<ModelWire>> {
    return this.service.listModels(q);
  }

  @Get('models/*name')
  getModel(@Param('name') name: string | string[]): Promise<ModelWire> {
    return this.service.getModel(modelName(name));
  }

  @Delete('models/*name')
  @HttpCode(204)
  deleteModel(@Param('name') name: string | string[], @CurrentActor() actor: Actor): Promise<void> {
    return this.service.deleteModel(modelName(name), actor);
  }

  @Put('models/*name/pricing')
  setPricing(
    @Param('name') name: string | string[],
    @Body() dto: PricingDto,
    @CurrentActor() actor: Actor,
  ): Promise<ModelWire> {
    return this.service.setPricing(modelName(name), dto, actor);
  }

  @Put('models/*name/fallbacks')
  setFallbacks(
    @Param('name') name: string | string[],
    @Body() dto: FallbacksDto,
    @CurrentActor() actor: Actor,
  ): Promise<ModelWire> {
    return this.service.setFallbacks(modelName(name), dto, actor);
  }

  @Put('models/*name/aliases')
  setAliases(
    @Param('name') name: string | string[],
    @Body() dto: AliasesDto,
    @CurrentActor() actor: Actor,
  ): Promise<ModelWire> {
    return this.service.setAliases(modelName(name), dto, actor);
  }

  @Get('router')
  getRouter(): RouterSettingsWire {
    return this.service.getRouter();
  }

  @Put('router')
  putRouter(@Body() dto: RouterSettingsDto, @CurrentActor() actor: Actor): Promise<RouterSettingsWire> {
    return this.service.putRouter(dto, actor);
  }
}

/** Model names may contain `/` (`openrouter/*`): the wildcard route param arrives as segments; `%2F` works too. */
function modelName(p: string | string[]): string {
  return Array.isArray(p) ? p.join('/') : p;
}
