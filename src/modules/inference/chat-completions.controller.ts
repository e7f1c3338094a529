import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { OperationDispatcher } from './pipeline/operation-dispatcher';

@ApiTags('OpenAI')
@Controller()
export class ChatCompletionsController {
  constructor(private readonly inference: OperationDispatcher) {}

  @Post(['v1/chat/completions', 'chat/completions'])
  @HttpCode(200)
  @ApiOperation({ summary: 'OpenAI chat completions (JSON or SSE stream), routed to any chat provider' })
  create(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.inference.serve('chat.completions', req, res);
  }
}
