// How much two threads can do on this machine, whatever our code: the wasm conv-forward kernel on one
// thread, timed alone and then as two processes at once. Their summed rate over the lone one is the
// most any 2-thread speed-up can be here at this moment (shared cores, other load, clock limits).
//   npx tsx bench/capacity.ts SECONDS   prints one JSON line: {"gflops": n}

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createWasmOps } from '../src/engine/wasm-ops.ts';
import { PythonRandom } from '../src/rng.ts';

export interface Capacity {
  /** GFLOP/s of one process alone, and of each of two at once. */
  alone: number;
  pair: [number, number];
  /** (pair[0] + pair[1]) / alone */
  ratio: number;
}

const SCRIPT = fileURLToPath(import.meta.url);

/** Runs the probe alone, then two at once, each for `seconds`. */
export async function measureCapacity(seconds: number): Promise<Capacity> {
  const alone = await probe(seconds);
  const pair = (await Promise.all([probe(seconds), probe(seconds)])) as [number, number];
  return { alone, pair, ratio: (pair[0] + pair[1]) / alone };
}

function probe(seconds: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out).gflops) : reject(new Error(`capacity probe exited ${code}`))));
  });
}

// one conv layer of the lecture model on a 32-word batch, forward, over and over
async function run(seconds: number): Promise<number> {
  const rng = new PythonRandom(1);
  const P = 232;
  const s = { P, cIn: 128, cOut: 128, K: 2, dilation: 2 };
  const start = Int32Array.from({ length: P }, (_, p) => p - (p % 8));
  const ops = await createWasmOps({ threads: 1 });
  const x = ops.allocate(P * 128).map(() => rng.gauss());
  const w = ops.allocate(256 * 128).map(() => rng.gauss());
  const [xs, ws] = [ops.allocate(x.length), ops.allocate(w.length)];
  xs.set(x);
  ws.set(w);
  const once = () => {
    ops.beginPass();
    ops.convForward(xs, ws, null, start, s);
  };
  for (let i = 0; i < 100; i++) once();
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < seconds * 1000) {
    once();
    n++;
  }
  return (2 * P * 256 * 128 * n) / ((performance.now() - t0) / 1000) / 1e9;
}

if (process.argv[1] === SCRIPT) console.log(JSON.stringify({ gflops: await run(Number(process.argv[2])) }));
