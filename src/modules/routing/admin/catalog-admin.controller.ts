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
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AdminGuard } from '../../auth/admin.guard';
import { adminValidationPipe } from '../../auth/admin-validation.pipe';
import { CurrentActor, type Actor } from '../../auth/request-identity';
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
import {
  DeploymentPage,
  DeploymentResponse,
  ModelPage,
  ModelResponse,
  RouterSettingsResponse,
} from './catalog-admin.response';
import { CatalogAdminService } from './catalog-admin.service';

@ApiTags('admin: catalog')
@ApiBearerAuth()
@Controller('admin')
@UseGuards(AdminGuard)
@UsePipes(adminValidationPipe())
export class CatalogAdminController {
  constructor(private readonly service: CatalogAdminService) {}

  @Post('deployments')
  @ApiCreatedResponse({ type: DeploymentResponse })
  createDeployment(
    @Body() dto: CreateDeploymentDto,
    @CurrentActor() actor: Actor,
  ): Promise<DeploymentResponse> {
    return this.service.createDeployment(dto, actor);
  }

  @Get('deployments')
  @ApiOkResponse({ type: DeploymentPage })
  listDeployments(@Query() q: ListDeploymentsQuery): Promise<DeploymentPage> {
    return this.service.listDeployments(q);
  }

  @Get('deployments/:id')
  @ApiOkResponse({ type: DeploymentResponse })
  getDeployment(@Param('id') id: string): Promise<DeploymentResponse> {
    return this.service.getDeployment(id);
  }

  @Patch('deployments/:id')
  @ApiOkResponse({ type: DeploymentResponse })
  updateDeployment(
    @Param('id') id: string,
    @Body() dto: UpdateDeploymentDto,
    @CurrentActor() actor: Actor,
  ): Promise<DeploymentResponse> {
    return this.service.updateDeployment(id, dto, actor);
  }

  @Delete('deployments/:id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  deleteDeployment(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<void> {
    return this.service.deleteDeployment(id, actor);
  }

  @Get('models')
  @ApiOkResponse({ type: ModelPage })
  listModels(@Query() q: ListModelsQuery): Promise<ModelPage> {
    return this.service.listModels(q);
  }

  @Get('models/*name')
  @ApiOkResponse({ type: ModelResponse })
  getModel(@Param('name') name: string | string[]): Promise<ModelResponse> {
    return this.service.getModel(modelName(name));
  }

  @Delete('models/*name')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted, with its deployments' })
  deleteModel(@Param('name') name: string | string[], @CurrentActor() actor: Actor): Promise<void> {
    return this.service.deleteModel(modelName(name), actor);
  }

  @Put('models/*name/pricing')
  @ApiOkResponse({ type: ModelResponse })
  setPricing(
    @Param('name') name: string | string[],
    @Body() dto: PricingDto,
    @CurrentActor() actor: Actor,
  ): Promise<ModelResponse> {
    return this.service.setPricing(modelName(name), dto, actor);
  }

  @Put('models/*name/fallbacks')
  @ApiOkResponse({ type: ModelResponse })
  setFallbacks(
    @Param('name') name: string | string[],
    @Body() dto: FallbacksDto,
    @CurrentActor() actor: Actor,
  ): Promise<ModelResponse> {
    return this.service.setFallbacks(modelName(name), dto, actor);
  }

  @Put('models/*name/aliases')
  @ApiOkResponse({ type: ModelResponse })
  setAliases(
    @Param('name') name: string | string[],
    @Body() dto: AliasesDto,
    @CurrentActor() actor: Actor,
  ): Promise<ModelResponse> {
    return this.service.setAliases(modelName(name), dto, actor);
  }

  @Get('router')
  @ApiOkResponse({ type: RouterSettingsResponse })
  getRouter(): RouterSettingsResponse {
    return this.service.getRouter();
  }

  @Put('router')
  @ApiOkResponse({ type: RouterSettingsResponse })
  putRouter(@Body() dto: RouterSettingsDto, @CurrentActor() actor: Actor): Promise<RouterSettingsResponse> {
    return this.service.putRouter(dto, actor);
  }
}

/** Model names may contain `/` (`openrouter/*`): the wildcard route param arrives as segments; `%2F` works too. */
function modelName(p: string | string[]): string {
  return Array.isArray(p) ? p.join('/') : p;
}
