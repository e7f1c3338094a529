import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { IMMUTABLE, NO_CACHE, UI_CSP, uiFileFor } from './ui-assets';

describe('uiFileFor', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'sb-ui-'));
  mkdirSync(path.join(root, 'assets'));
  writeFileSync(path.join(root, 'index.html'), '<!doctype html>');
  writeFileSync(path.join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(path.join(root, 'robots.txt'), 'User-agent: *');

  it('serves hashed assets as immutable, with their content type', async () => {
    const file = await uiFileFor('assets/index-abc123.js', root);
    expect(file).toMatchObject({ contentType: 'text/javascript; charset=utf-8', cacheControl: IMMUTABLE });
  });

  it('answers every app path with index.html, not cached', async () => {
    for (const rest of ['', 'keys', 'usage/logs', 'index.html']) {
      const file = await uiFileFor(rest, root);
      expect(file?.body.toString()).toBe('<!doctype html>');
      expect(file?.cacheControl).toBe(NO_CACHE);
    }
  });

  it('serves other top-level files of the build, not cached', async () => {
    expect(await uiFileFor('robots.txt', root)).toMatchObject({ cacheControl: NO_CACHE });
  });

  it('refuses missing assets and paths that climb out of the build', async () => {
    expect(await uiFileFor('assets/missing.js', root)).toBeUndefined();
    expect(await uiFileFor('assets/../../etc/passwd', root)).toBeUndefined();
    const climbing = await uiFileFor('../package.json', root);
    expect(climbing?.body.toString()).toBe('<!doctype html>');
  });

  it('is undefined when the console is not built', async () => {
    expect(await uiFileFor('', path.join(root, 'nowhere'))).toBeUndefined();
  });

  it('has a strict policy: nothing inline, nothing from another origin, no framing', () => {
    expect(UI_CSP).toContain("default-src 'self'");
    expect(UI_CSP).toContain("frame-ancestors 'none'");
    expect(UI_CSP).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
  });
});
