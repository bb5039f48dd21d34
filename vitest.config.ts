import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    // 2-core machines: one worker per core keeps the gpu.js worker pools from oversubscribing.
    maxWorkers: 2,
  },
});
