import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // their own configs: `npm run test:tarball` (needs the build), `npm run test:browser` (Chromium)
    exclude: [...configDefaults.exclude, 'test/tarball/**', 'test/browser/**'],
    testTimeout: 120_000,
    setupFiles: ['test/node-setup.ts'],
    // 2-core machines: one worker per core keeps the gpu.js worker pools from oversubscribing.
    maxWorkers: 2,
  },
});
