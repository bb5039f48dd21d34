// npx tsx bench/browser-training.ts [--steps 100] [--batch 32] [--backends webgl2,wasm,cpu] [--json]
// Training throughput of the lecture's model in the demo page, in Chromium, per backend: targets/s
// over the steps after the first (which builds the kernels), the final dev evaluation aside. The GL
// that Chromium uses comes from $MAKEMORE_CHROMIUM_ARGS (default: SwiftShader, software;
// bench/browser-gpu.sh sets a GPU's). Progress to stderr; with --json, one JSON object last.

import { parseArgs } from 'node:util';
import { openDemo, trainInPage } from '../test/browser/demo-driver.ts';
import { CHROMIUM_ARGS } from '../test/browser/chromium.ts';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '100' },
    batch: { type: 'string', default: '32' },
    backends: { type: 'string', default: 'webgl2,wasm,cpu' },
    json: { type: 'boolean', default: false },
  },
});
const steps = Number(values.steps);
const batch = Number(values.batch);
if (!Number.isInteger(steps) || steps < 2) throw new Error(`--steps: expected a whole number ≥ 2, got "${values.steps}"`);
if (!Number.isInteger(batch) || batch < 2) throw new Error(`--batch: expected a whole number ≥ 2, got "${values.batch}"`);

const demo = await openDemo();
const report: Record<string, unknown> = { steps, batch, chromiumArgs: CHROMIUM_ARGS.join(' ') };
try {
  const renderer = await demo.page.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl2');
    const info = gl?.getExtension('WEBGL_debug_renderer_info');
    return gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : 'no WebGL2';
  });
  report.renderer = renderer;
  console.error(`[browser-training] WebGL2 renderer: ${renderer}`);
  for (const backend of values.backends.split(',')) {
    // the page's own run: fresh data and model, so every backend starts from the same weights
    await demo.page.click('#use-bundled');
    const run = await trainInPage(demo.page, backend, { steps, batch, evalEvery: steps }, 3_600_000);
    if (run.error) throw new Error(`${backend}: ${run.error}`);
    report[backend] = { targetsPerSecond: run.targetsPerSecond, loss: run.loss, dev: run.dev };
    console.error(`[browser-training] ${run.status}; loss ${run.loss}; dev ${run.dev}`);
    console.log(`${backend.padEnd(8)} ${run.targetsPerSecond.toLocaleString('en').padStart(8)} targets/s  (${steps} steps of ${batch} words; loss ${run.loss}, dev ${run.dev})`);
  }
} finally {
  await demo.close();
}
if (values.json) console.log(JSON.stringify(report));
