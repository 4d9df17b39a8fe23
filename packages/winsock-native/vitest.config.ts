import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each file in its own process: completion routines and blocking waits belong to the main thread of
    // that process, as they would in a program; and files run one at a time because the stress and
    // 8 MiB cases load the loopback of a two-core machine.
    pool: 'forks',
    fileParallelism: false,
    // Every test is bounded by its own waits; these limits only catch a hang.
    testTimeout: 120_000,
    hookTimeout: 30_000,
  },
});
