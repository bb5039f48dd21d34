// Drives the demo page from Node, as a person would: builds and serves it as `npm run demo` does,
// opens it in Chromium, trains on a backend. Shared by the end-to-end test and bench/browser-training.ts.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.ts';

const viteConfig = join(fileURLToPath(new URL('../..', import.meta.url)), 'web/vite.config.ts');

export interface Demo {
  page: Page;
  close(): Promise<void>;
}

/** Builds the page, serves it on 127.0.0.1 (a free port) and opens it, ready, in a new Chromium. */
export async function openDemo(): Promise<Demo> {
  await build({ configFile: viteConfig, logLevel: 'warn' });
  const server: PreviewServer = await preview({ configFile: viteConfig, preview: { port: 0 }, logLevel: 'warn' });
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const close = async () => {
    await browser.close();
    await server.close();
  };
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1100 }, acceptDownloads: true });
    await page.goto(server.resolvedUrls!.local[0]);
    await page.waitForSelector('body[data-ready=true]');
    return { page, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** What the page says once a run is over. */
export interface PageRun {
  /** "trained on gpu.js WebGL2: 200 steps in 1 min 19 s, 180 targets/s on average" */
  status: string;
  /** Over the steps after the first (which builds the kernels), evaluations aside. */
  targetsPerSecond: number;
  /** "3.294 → 2.343": the first step's loss, the mean of the last 20. */
  loss: string;
  /** "2.3479 (step 200)" */
  dev: string;
  error: string;
}

/** Trains `steps` steps of `batch` words on `backend` in the page, evaluating every `evalEvery` steps and at the end; waits for it. */
export async function trainInPage(page: Page, backend: string, run: { steps: number; batch: number; evalEvery: number }, timeoutMs: number): Promise<PageRun> {
  await page.selectOption('#backend', backend);
  await page.fill('#steps', String(run.steps));
  await page.fill('#batch', String(run.batch));
  await page.fill('#eval-every', String(run.evalEvery));
  await page.click('#train');
  await page.waitForSelector('body[data-running=false]', { timeout: timeoutMs });
  const text = async (selector: string) => (await page.textContent(selector)) ?? '';
  const status = await text('#backend-status');
  const rate = status.match(/, ([\d,]+) targets\/s on average$/);
  return { status, targetsPerSecond: rate ? Number(rate[1].replace(/,/g, '')) : NaN, loss: await text('#stat-loss'), dev: await text('#stat-dev'), error: await text('#error') };
}
