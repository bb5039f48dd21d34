// The demo page end to end, as a person uses it: built and served as `npm run demo` does (the build
// refuses a Node built-in among the page's imports: web/vite.config.ts), opened in
// Chromium, trained 200 steps on gpu.js WebGL2 (SwiftShader here), its names shown; the model saved
// from the page is read by the CLI (the same dev loss, names sampled) and loaded back into the page.
// A screenshot is left in out/browser/demo.png (docs/demo.png is a copy of one).

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDemo, trainInPage, type Demo } from './demo-driver.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const STEPS = 200;
const BATCH = 8; // words a step: SwiftShader runs the GL kernels on this machine's CPU
const SCREENSHOT = join(root, 'out/browser/demo.png');

let demo: Demo;
let page: Page;
const scratch = mkdtempSync(join(tmpdir(), 'makemore-demo-'));

function cli(...args: string[]): string {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli.ts'), ...args], { encoding: 'utf8', cwd: root });
  if (r.status !== 0) throw new Error(`makemore ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

const text = async (selector: string) => (await page.textContent(selector)) ?? '';

beforeAll(async () => {
  demo = await openDemo();
  page = demo.page;
}, 120_000);

afterAll(async () => {
  await demo?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('the demo page [webgl2]', () => {
  it('is cross-origin isolated (SharedArrayBuffer) and offers WebGL2, the wasm kernels and plain JS', async () => {
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
    const offered = await page.$$eval('#backend option', (options) => (options as HTMLOptionElement[]).map((o) => ({ value: o.value, enabled: !o.disabled, title: o.title })));
    console.log(`demo backends: ${offered.map((o) => `${o.value} ${o.enabled ? 'offered' : `not offered (${o.title})`}`).join('; ')}`);
    for (const id of ['webgl2', 'wasm', 'cpu']) expect(offered.find((o) => o.value === id)?.enabled, id).toBe(true);
    expect(await text('#data-status')).toMatch(/^names\.txt: 32,033 items, 27 characters/);
  });

  it(`trains ${STEPS} steps on WebGL2: the loss falls, the dev loss is shown, names appear`, async () => {
    // two dev evaluations, so that the chart draws the dev loss as a line
    const run = await trainInPage(page, 'webgl2', { steps: STEPS, batch: BATCH, evalEvery: STEPS / 2 }, 900_000);
    expect(run.error).toBe('');
    console.log(`demo run: ${run.status}; loss ${run.loss}; dev ${run.dev}`);
    expect(run.status).toMatch(/^trained on gpu\.js WebGL2: \d+ steps in [\d\w ]+, [\d,]+ targets\/s on average$/);
    expect(await page.getAttribute('#backend-status', 'title')).toMatch(/^backend webgl2 \(webgl2: requested\)/);
    expect(await text('#stat-speed')).toBe(run.targetsPerSecond.toLocaleString('en'));
    expect(run.targetsPerSecond).toBeGreaterThan(0);
    expect(await text('#stat-step')).toBe(String(STEPS));
    const [first, last] = run.loss.split(' → ').map(Number);
    expect(last).toBeLessThan(first - 0.3);
    expect(await page.$$eval('#samples li', (items) => items.length)).toBe(10);
    expect(await page.$$eval('#chart svg path', (paths) => paths.length)).toBeGreaterThan(0);
    mkdirSync(join(root, 'out/browser'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  }, 900_000);

  it('saves a .safetensors file that the CLI evaluates to the page’s dev loss and samples from', async () => {
    const file = join(scratch, 'model.safetensors');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
    await download.saveAs(file);
    const devShown = Number((await text('#stat-dev')).split(' ')[0]);
    const evaluated = JSON.parse(cli('eval', '--checkpoint', file, '--split', 'val', '--json')) as { loss: number };
    console.log(`dev loss: page (webgl2) ${devShown}, CLI ${evaluated.loss}`);
    // the page shows 4 decimals; the two backends sum in float32 in different orders
    expect(Math.abs(evaluated.loss - devShown)).toBeLessThanOrEqual(5e-5 + 1e-4);
    const { samples } = JSON.parse(cli('sample', '--checkpoint', file, '--num', '5', '--json')) as { samples: string[] };
    expect(samples).toHaveLength(5);
  });

  it('loads a .safetensors file the CLI wrote and samples from it at a temperature', async () => {
    const out = join(scratch, 'cli-run');
    cli('train', '--steps', '3', '--batch', '4', '--eval-every', '3', '--out', out);
    await page.setInputFiles('#load', join(out, 'model.safetensors'));
    await page.waitForSelector('#model-status:not(:empty)');
    expect(await text('#model-status')).toMatch(/^loaded model\.safetensors: 24-dim embeddings, 9 layers, receptive field 8, 76,579 parameters/);
    await page.fill('#temperature', '0.5');
    await page.click('#sample');
    const names = await page.$$eval('#samples li', (items) => items.map((i) => i.textContent ?? ''));
    expect(names).toHaveLength(20);
    expect(names.every((n) => /^[a-z]*$/.test(n))).toBe(true);
  });

  it('starts any preset, trains it a few steps on the wasm kernels and samples from it', async () => {
    const presets = await page.$$eval('#model option', (options) => (options as HTMLOptionElement[]).map((o) => o.value));
    expect(presets).toEqual(['lecture', 'wavenet', 'tcn']);
    for (const [preset, field] of [['wavenet', 16], ['tcn', 29]] as const) {
      await page.selectOption('#model', preset);
      expect(await text('#data-status')).toMatch(new RegExp(`receptive field ${field}, [\\d,]+ parameters`));
      const run = await trainInPage(page, 'wasm', { steps: 4, batch: 8, evalEvery: 2 }, 300_000);
      expect(run.error, preset).toBe('');
      expect(await text('#stat-step')).toBe('4');
      expect(await page.$$eval('#samples li', (items) => items.length)).toBe(10);
    }
  }, 600_000);
});
