// Quick per-op profile of one conv-engine training step: npx tsx bench/step-profile.ts webasm reference
import { readFileSync } from 'node:fs';
import { parseItems } from '../src/data/items.ts';
import { Vocab } from '../src/data/vocab.ts';
import { lectureSplit } from '../src/data/split.ts';
import { encodeAll } from '../src/data/windows.ts';
import { PythonRandom } from '../src/rng.ts';
import { initHierarchical, LECTURE_CONFIG } from '../src/params.ts';
import { convEngine } from '../src/train/engines.ts';
import { createGpuOps } from '../src/engine/gpu-ops.ts';
import { referenceOps } from '../src/engine/ops.ts';
const items = parseItems(readFileSync('data/names.txt', 'utf8'), 'names');
const vocab = Vocab.fromItems(items, 'names');
const train = encodeAll(vocab, lectureSplit(items.map((i) => i.text)).train);
const cfg = { vocabSize: 27, ...LECTURE_CONFIG };
for (const mode of process.argv.slice(2)) {
  const ops = mode === 'reference' ? referenceOps : createGpuOps(mode as any);
  const counts = new Map<string, number>();
  const timed: any = {};
  for (const [k, f] of Object.entries(ops)) if (typeof f === 'function' && k !== 'destroy' && k !== 'kernelCount') timed[k] = (...a: any[]) => { const t = performance.now(); const r = (f as any).apply(ops, a); counts.set(k, (counts.get(k) ?? 0) + performance.now() - t); return r; };
  const params = initHierarchical(cfg, new PythonRandom(42));
  const eng = convEngine(params, cfg, { ...ops, ...timed }, train);
  const rng = new PythonRandom(1);
  const grads = params.zeroGrads();
  for (let i = 0; i < 10; i++) eng.step(rng, 32, grads);
  counts.clear();
  const t0 = performance.now(); let t = 0; const n = 40;
  for (let i = 0; i < n; i++) t += eng.step(rng, 32, grads).targets;
  const dt = (performance.now() - t0) / 1000;
  console.log(mode, (n / dt).toFixed(1), 'steps/s', (t / dt).toFixed(0), 'targets/s');
  console.log('  ', [...counts].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / n).toFixed(1)}ms`).join(', '));
}
