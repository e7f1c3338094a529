#!/usr/bin/env node
// Builds the admin console (ui/ → dist/ui) when dist/ui/index.html is missing or older than any file
// under ui/. Used by `npm start` (scripts/build-if-needed.js) and by the console's browser tests.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const uiDir = path.join(root, 'ui');
const builtIndex = path.join(root, 'dist', 'ui', 'index.html');

function newestMtime(dir) {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** The one server file the console imports (the provider list). */
const sharedSources = [path.join(root, 'src', 'providers', 'core', 'provider-ids.ts')];

function uiIsStale() {
  if (!fs.existsSync(builtIndex)) return true;
  const newest = Math.max(newestMtime(uiDir), ...sharedSources.map((f) => fs.statSync(f).mtimeMs));
  return newest > fs.statSync(builtIndex).mtimeMs;
}

/**
 * Builds into a directory of its own, then swaps it in: two test suites building at once (the console's
 * browser tests, `npm start`'s prestart) never serve or delete each other's half-written files.
 */
function buildUi() {
  const distDir = path.dirname(builtIndex);
  const staging = `${distDir}.build-${process.pid}`;
  execFileSync(
    process.execPath,
    [
      path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js'),
      'build',
      '--config',
      'ui/vite.config.ts',
      '--outDir',
      staging,
    ],
    {
      cwd: root,
      stdio: 'inherit',
      // Under jest NODE_ENV is 'test', and vite would then bundle React's development build.
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  const old = `${distDir}.old-${process.pid}`;
  if (fs.existsSync(distDir)) fs.renameSync(distDir, old);
  fs.renameSync(staging, distDir);
  fs.rmSync(old, { recursive: true, force: true });
}

function buildUiIfNeeded() {
  if (!uiIsStale()) return false;
  console.log('switchboard: building the admin console (dist/ui missing or stale)…');
  buildUi();
  return true;
}

module.exports = { buildUiIfNeeded, uiIsStale };
if (require.main === module) buildUiIfNeeded();
