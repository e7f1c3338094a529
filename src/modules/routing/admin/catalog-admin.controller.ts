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
  ApiOperation,
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

@ApiTags('Admin: catalog')
@ApiBearerAuth()
@Controller('admin')
@UseGuards(AdminGuard)
@UsePipes(adminValidationPipe())
export class CatalogAdminController {
  constructor(private readonly service: CatalogAdminService) {}

  @Post('deployments')
  @ApiOperation({
    summary: 'Add a deployment; a new model_name creates that public model (`prefix/*`: a wildcard model)',
  })
  @ApiCreatedResponse({ type: DeploymentResponse })
  createDeployment(
    @Body() dto: CreateDeploymentDto,
    @CurrentActor() actor: Actor,
  ): Promise<DeploymentResponse> {
    return this.service.createDeployment(dto, actor);
  }

  @Get('deployments')
  @ApiOperation({ summary: 'List deployments (cursor pages), optionally of one public model' })
  @ApiOkResponse({ type: DeploymentPage })
  listDeployments(@Query() q: ListDeploymentsQuery): Promise<DeploymentPage> {
    return this.service.listDeployments(q);
  }

  @Get('deployments/:id')
  @ApiOperation({ summary: 'Get a deployment (never its credential: has_api_key only)' })
  @ApiOkResponse({ type: DeploymentResponse })
  getDeployment(@Param('id') id: string): Promise<DeploymentResponse> {
    return this.service.getDeployment(id);
  }

  @Patch('deployments/:id')
  @ApiOperation({ summary: 'Change a deployment (null clears base_url, api_key, rpm_limit, tpm_limit)' })
  @ApiOkResponse({ type: DeploymentResponse })
  updateDeployment(
    @Param('id') id: string,
    @Body() dto: UpdateDeploymentDto,
    @CurrentActor() actor: Actor,
  ): Promise<DeploymentResponse> {
    return this.service.updateDeployment(id, dto, actor);
  }

  @Delete('deployments/:id')
  @ApiOperation({ summary: 'Delete a deployment' })
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted' })
  deleteDeployment(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<void> {
    return this.service.deleteDeployment(id, actor);
  }

  @Get('models')
  @ApiOperation({ summary: 'List public models with their deployments, prices, fallbacks and aliases' })
  @ApiOkResponse({ type: ModelPage })
  listModels(@Query() q: ListModelsQuery): Promise<ModelPage> {
    return this.service.listModels(q);
  }

  @Get('models/*name')
  @ApiOperation({ summary: 'Get a public model (the name may contain `/`)' })
  @ApiOkResponse({ type: ModelResponse })
  getModel(@Param('name') name: string | string[]): Promise<ModelResponse> {
    return this.service.getModel(modelName(name));
  }

  @Delete('models/*name')
  @ApiOperation({ summary: 'Delete a public model and its deployments (not one declared in the YAML)' })
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Deleted, with its deployments' })
  deleteModel(@Param('name') name: string | string[], @CurrentActor() actor: Actor): Promise<void> {
    return this.service.deleteModel(modelName(name), actor);
  }

  @Put('models/*name/pricing')
  @ApiOperation({ summary: 'Merge price overrides over the shipped table (null removes an override)' })
  @ApiOkResponse({ type: ModelResponse })
  setPricing(
    @Param('name') name: string | string[],
    @Body() dto: PricingDto,
    @CurrentActor() actor: Actor,
  ): Promise<ModelResponse> {
    return this.service.setPricing(modelName(name), dto, actor);
  }

  @Put('models/*name/fallbacks')
  @ApiOperation({ summary: 'Set the fallbacks, context-window and content-policy fallbacks' })
  @ApiOkResponse({ type: ModelResponse })
  setFallbacks(
    @Param('name') name: string | string[],
    @Body() dto: FallbacksDto,
    @CurrentActor() actor: Actor,
  ): Promise<ModelResponse> {
    return this.service.setFallbacks(modelName(name), dto, actor);
  }

  @Put('models/*name/aliases')
  @ApiOperation({ summary: 'Set the aliases a client may call the model by' })
  @ApiOkResponse({ type: ModelResponse })
  setAliases(
    @Param('name') name: string | string[],
    @Body() dto: AliasesDto,
    @CurrentActor() actor: Actor,
  ): Promise<ModelResponse> {
    return this.service.setAliases(modelName(name), dto, actor);
  }

  @Get('router')
  @ApiOperation({ summary: 'The router settings in force' })
  @ApiOkResponse({ type: RouterSettingsResponse })
  getRouter(): RouterSettingsResponse {
    return this.service.getRouter();
  }

  @Put('router')
  @ApiOperation({
    summary: 'Change the router settings (fields left out keep their value); survives restarts',
  })
  @ApiOkResponse({ type: RouterSettingsResponse })
  putRouter(@Body() dto: RouterSettingsDto, @CurrentActor() actor: Actor): Promise<RouterSettingsResponse> {
    return this.service.putRouter(dto, actor);
  }
}

/** Model names may contain `/` (`openrouter/*`): the wildcard route param arrives as segments; `%2F` works too. */
function modelName(p: string | string[]): string {
  return Array.isArray(p) ? p.join('/') : p;
}
