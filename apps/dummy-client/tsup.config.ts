import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/main.ts'],
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // Runnable as ./dist/main.js as well as `node dist/main.js`.
  banner: { js: '#!/usr/bin/env node' },
});
