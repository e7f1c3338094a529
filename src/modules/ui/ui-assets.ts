import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** Where `npm run build` puts the admin console (vite, ui/vite.config.ts): dist/ui from the repo root. */
export const UI_DIST_DIR = path.resolve(__dirname, '../../../dist/ui');

/**
 * The console's Content-Security-Policy: everything from the gateway's own origin, no inline script or
 * style, no framing. uPlot's stylesheet is bundled into the app's CSS file; its runtime styles are set
 * through the CSSOM, which `style-src 'self'` allows.
 */
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const NO_CACHE = 'no-cache';

/** A file of the built console, with the headers it is served with. */
export interface UiFile {
  body: Buffer;
  contentType: string;
  cacheControl: string;
}

/**
 * The file a `/ui/…` path names (`rest` is the part after `/ui/`): a hashed asset under `assets/`
 * (immutable), another top-level file of the build, or `index.html` for every other path (the app
 * routes itself). Undefined: an asset that does not exist (404), or the console is not built.
 */
export async function uiFileFor(rest: string, root = UI_DIST_DIR): Promise<UiFile | undefined> {
  const asset = /^assets\/([\w.-]+)$/.exec(rest);
  if (asset) return read(path.join(root, 'assets', asset[1]!), IMMUTABLE);
  if (/^[\w-]+\.[\w.]+$/.test(rest) && rest !== 'index.html') {
    const file = await read(path.join(root, rest), NO_CACHE);
    if (file) return file;
  }
  if (rest.startsWith('assets/')) return undefined;
  return read(path.join(root, 'index.html'), NO_CACHE);
}

async function read(file: string, cacheControl: string): Promise<UiFile | undefined> {
  try {
    const body = await readFile(file);
    const contentType = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
    return { body, contentType, cacheControl };
  } catch {
    return undefined;
  }
}
