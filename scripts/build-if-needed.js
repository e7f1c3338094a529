#!/usr/bin/env node
// `npm start` builds first when dist/ is missing or older than any source file (the admin console's
// sources under ui/ included).
const { execSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const entry = path.join(root, 'dist', 'main.js');

function newestMtime(dir) {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

const srcDir = path.join(root, 'src');
const stale = !fs.existsSync(entry) || newestMtime(srcDir) > fs.statSync(entry).mtimeMs;
if (stale) {
  console.log('switchboard: building (dist/ missing or stale)…');
  execSync('npm run build', { cwd: root, stdio: 'inherit' });
} else {
  require('./build-ui-if-needed').buildUiIfNeeded();
}
