// `npm run test:tarball`: the packed package installed in a temporary project (needs the build,
// which `npm pack` runs), kept out of `npm test`, which runs on the sources.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/tarball/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
