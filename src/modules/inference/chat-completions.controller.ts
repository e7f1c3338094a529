import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ChatService } from './chat.service';
import { OpenAiChatHandler } from './openai-chat.handler';

@ApiTags('OpenAI')
@Controller()
export class ChatCompletionsController {
  constructor(
    private readonly chat: ChatService,
    private readonly openai: OpenAiChatHandler,
  ) {}

  @Post(['v1/chat/completions', 'chat/completions'])
  @HttpCode(200)
  @ApiOperation({ summary: 'OpenAI chat completions (JSON or SSE stream), routed to any chat provider' })
  create(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.chat.handle(req, res, this.openai, 'chat.completions');
  }
}
