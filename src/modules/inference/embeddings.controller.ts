import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ChatService } from './chat.service';
import { OpenAiEmbeddingsHandler } from './openai-embeddings.handler';

@ApiTags('OpenAI')
@Controller()
export class EmbeddingsController {
  constructor(
    private readonly chat: ChatService,
    private readonly embeddings: OpenAiEmbeddingsHandler,
  ) {}

  @Post(['v1/embeddings', 'embeddings'])
  @HttpCode(200)
  @ApiOperation({
    summary: 'OpenAI embeddings, routed to any embeddings provider (Gemini batchEmbedContents included)',
  })
  create(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.chat.handle(req, res, this.embeddings, 'embeddings');
  }
}
