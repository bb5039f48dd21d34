import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // needs the build: `npm run test:tarball` (its own config)
    exclude: [...configDefaults.exclude, 'test/tarball/**'],
    testTimeout: 120_000,
    // 2-core machines: one worker per core keeps the gpu.js worker pools from oversubscribing.
    maxWorkers: 2,
  },
});
