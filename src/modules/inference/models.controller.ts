import { Controller, Get, Req } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ModelListService } from './model-list.service';

@ApiTags('OpenAI')
@Controller()
export class ModelsController {
  constructor(private readonly models: ModelListService) {}

  @Get(['v1/models', 'models'])
  @ApiOperation({ summary: 'Public models the calling key may use (OpenAI list shape)' })
  list(@Req() req: Request): Promise<unknown> {
    return this.models.listForOpenAi(req);
  }

  @Get(['v1/models/*model', 'models/*model'])
  @ApiOperation({
    summary: 'One public model the calling key may use (OpenAI Model shape); 404 model_not_found otherwise',
  })
  @ApiParam({ name: 'model', type: String, description: 'Public model name or alias (may contain `/`)' })
  retrieve(@Req() req: Request): Promise<unknown> {
    return this.models.retrieveForOpenAi(req);
  }

  @Get(['v1beta/models', 'gemini/v1beta/models'])
  @ApiOperation({ summary: 'Public models the calling key may use (Google list shape)' })
  listGoogle(@Req() req: Request): Promise<unknown> {
    return this.models.listForGoogle(req);
  }
}
