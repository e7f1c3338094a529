import type { Response } from 'express';
import { UI_CSP, uiFileFor } from './ui-assets';

/** Sends the console file `rest` names with its caching and the console's security headers. */
export async function sendUiFile(rest: string, res: Response): Promise<void> {
  res.setHeader('content-security-policy', UI_CSP);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('cross-origin-opener-policy', 'same-origin');
  const file = await uiFileFor(rest);
  if (!file) {
    res.status(404).type('text/plain').send('Not found. (Is the console built? Run `npm run build`.)\n');
    return;
  }
  res.status(200);
  res.setHeader('content-type', file.contentType);
  res.setHeader('cache-control', file.cacheControl);
  res.send(file.body);
}
