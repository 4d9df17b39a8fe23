import { defineConfig, type Options } from 'tsup';

// Every package builds the same way: ESM for Node 20 with source maps, into a clean dist/.
const common: Options = { format: ['esm'], sourcemap: true, clean: true, target: 'node20' };

/** A workspace library: ESM plus the type declarations the packages above it compile against. */
export const libraryConfig = (...entries: string[]) => defineConfig({ ...common, entry: entries, dts: true });

/** A command-line program: one ESM file, runnable as ./dist/main.js as well as `node dist/main.js`. */
export const programConfig = (entry: string) =>
  defineConfig({ ...common, entry: [entry], dts: false, banner: { js: '#!/usr/bin/env node' } });
