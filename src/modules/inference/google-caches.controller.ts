import { Controller, Delete, Get, HttpCode, Param, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { GoogleCachesService } from './google-caches.service';
import { OperationDispatcher } from './pipeline/operation-dispatcher';

@ApiTags('Google GenAI')
@Controller()
export class GoogleCachesController {
  constructor(
    private readonly caches: GoogleCachesService,
    private readonly inference: OperationDispatcher,
  ) {}

  @Post(['v1beta/cachedContents', 'gemini/v1beta/cachedContents'])
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Create a Gemini context cache on a deployment of models/{model}, owned by the calling key; admitted and metered (write + storage for the TTL)',
  })
  create(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.inference.serve('cachedContents.create', req, res);
  }

  @Get(['v1beta/cachedContents', 'gemini/v1beta/cachedContents'])
  @ApiOperation({ summary: "List the caller's context caches (an admin's: all); pageSize, pageToken" })
  list(@Req() req: Request): Promise<unknown> {
    return this.caches.list(req);
  }

  @Get(['v1beta/cachedContents/:id', 'gemini/v1beta/cachedContents/:id'])
  @ApiOperation({ summary: 'Get a context cache (from the deployment that holds it)' })
  get(@Req() req: Request, @Param('id') id: string): Promise<unknown> {
    return this.caches.get(req, id);
  }

  @Patch(['v1beta/cachedContents/:id', 'gemini/v1beta/cachedContents/:id'])
  @ApiOperation({ summary: 'Update a context cache (ttl / expireTime); added hours are metered' })
  update(@Req() req: Request, @Param('id') id: string): Promise<unknown> {
    return this.caches.update(req, id);
  }

  @Delete(['v1beta/cachedContents/:id', 'gemini/v1beta/cachedContents/:id'])
  @ApiOperation({ summary: 'Delete a context cache' })
  remove(@Req() req: Request, @Param('id') id: string): Promise<unknown> {
    return this.caches.remove(req, id);
  }
}
