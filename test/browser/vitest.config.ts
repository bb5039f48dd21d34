// `npm run test:browser`: two projects in one report.
// - chromium: the shared kernel suites inside a Chromium page (Vitest's browser mode, driven by
//   Playwright over Debian's Chromium), on the backends a page has and Node has not — gpu.js WebGL2,
//   the wasm kernels with the page's Blob workers — plus gpu.js WebGPU's kernels one by one.
// - demo: the demo page end to end, from Node (playwright-core).
import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { CHROMIUM_ARGS, CHROMIUM_PATH, ISOLATION_HEADERS } from './chromium.ts';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    projects: [
      {
        server: { headers: ISOLATION_HEADERS },
        test: {
          name: 'chromium',
          include: ['test/kernels-*.test.ts', 'test/equivalence.test.ts', 'test/conv-model-backends.test.ts', 'test/training-backends.test.ts', 'test/browser/*.browser.test.ts'],
          // gpu.js cpu and webasm are the same code in Node, where `npm test` runs them
          provide: { backends: ['wasm', 'wasm ×2', 'wasm relaxed ×2', 'gpu.js webgl2'] },
          testTimeout: 300_000,
          hookTimeout: 120_000,
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS } }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        test: {
          name: 'demo',
          include: ['test/browser/*.e2e.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
        },
      },
    ],
  },
});
