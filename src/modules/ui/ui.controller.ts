import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { sendUiFile } from './ui-response';

/** The admin console (ui/, built into dist/ui): static files at /ui, the app's own routes fall back to index.html. */
@ApiExcludeController()
@Controller('ui')
export class UiController {
  @Get(['', '*path'])
  serve(@Param('path') path: string[] | undefined, @Res() res: Response): Promise<void> {
    return sendUiFile((path ?? []).join('/'), res);
  }
}
