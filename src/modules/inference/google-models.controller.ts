import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ChatService } from './chat.service';
import { GoogleChatHandler } from './google-chat.handler';

@ApiTags('Google GenAI')
@Controller()
export class GoogleModelsController {
  constructor(
    private readonly chat: ChatService,
    private readonly google: GoogleChatHandler,
  ) {}

  @Post(['v1beta/models/:target', 'gemini/v1beta/models/:target'])
  @HttpCode(200)
  @ApiOperation({
    summary:
      'generateContent, streamGenerateContent (?alt=sse), countTokens, embedContent, batchEmbedContents',
  })
  call(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.chat.handle(req, res, this.google, 'generateContent');
  }
}
