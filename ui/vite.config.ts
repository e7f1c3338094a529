import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The admin console, served by the gateway at /ui (src/modules/ui). Run from the repo root
 * (`npm run build`, or scripts/build-ui-if-needed.js): it builds ui/ into dist/ui, hashed assets under
 * dist/ui/assets. No inline script or style (the gateway's CSP refuses both), nothing from another origin.
 */
export default defineConfig({
  root: 'ui',
  base: '/ui/',
  plugins: [react()],
  build: {
    outDir: '../dist/ui',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
    chunkSizeWarningLimit: 400,
  },
});
