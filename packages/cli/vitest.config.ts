import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every test is bounded by its own load; these limits only catch a hang.
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
