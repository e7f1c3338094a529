import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { OperationDispatcher } from './pipeline/operation-dispatcher';

@ApiTags('Google GenAI')
@Controller()
export class GoogleModelsController {
  constructor(private readonly inference: OperationDispatcher) {}

  @Post(['v1beta/models/:target', 'gemini/v1beta/models/:target'])
  @HttpCode(200)
  @ApiOperation({
    summary:
      'generateContent, streamGenerateContent (?alt=sse), countTokens, embedContent, batchEmbedContents',
  })
  call(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.inference.serve(this.inference.googleModelOperation(String(req.params.target)), req, res);
  }
}
