import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { OperationDispatcher } from './pipeline/operation-dispatcher';

@ApiTags('OpenAI')
@Controller()
export class EmbeddingsController {
  constructor(private readonly inference: OperationDispatcher) {}

  @Post(['v1/embeddings', 'embeddings'])
  @HttpCode(200)
  @ApiOperation({
    summary: 'OpenAI embeddings, routed to any embeddings provider (Gemini batchEmbedContents included)',
  })
  create(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.inference.serve('embeddings', req, res);
  }
}
