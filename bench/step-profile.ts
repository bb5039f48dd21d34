// Where a conv-engine training step's time goes, per op and per gpu.js kernel (32 whole words a
// batch, the lecture model): npx tsx bench/step-profile.ts wasm wasm:2 webasm reference
import { readFileSync } from 'node:fs';
import { GPU, type IGPUKernelSettings, type KernelFunction } from 'gpu.js';
import { parseItems } from '../src/data/items.ts';
import { Vocab } from '../src/data/vocab.ts';
import { lectureSplit } from '../src/data/split.ts';
import { encodeAll } from '../src/data/windows.ts';
import { PythonRandom } from '../src/rng.ts';
import { initLecture, LECTURE_CONFIG, lectureSpec } from '../src/presets/lecture.ts';
import { resolveSpec } from '../src/spec/resolve.ts';
import { convEngine } from '../src/train/engines.ts';
import { createGpuOps } from '../src/engine/gpu-ops.ts';
import { referenceOps } from '../src/engine/reference-ops.ts';
import { timeOps } from './op-profile.ts';
import type { GpuJsMode } from '../src/backend.ts';
import { createWasmOps } from '../src/engine/wasm-ops.ts';
import { nodeWorkers } from '../src/engine/node-workers.ts';

const WARMUP = 30; // steps: every padded batch size gets its wasm modules built and tiered up
const STEPS = 40;

// every gpu.js kernel call, timed by kernel and channel sizes (the runner builds one per pair)
const kernelMs = new Map<string, number>();
const createKernel = GPU.prototype.createKernel;
GPU.prototype.createKernel = function (this: GPU, source: KernelFunction, settings?: IGPUKernelSettings) {
  const kernel = createKernel.call(this, source, settings);
  const name = `${source.name} ${Object.values(settings?.constants ?? {}).join('×')}`;
  const timed = new Proxy(kernel, {
    apply(target, self, args) {
      const t = performance.now();
      const result = Reflect.apply(target, self, args);
      kernelMs.set(name, (kernelMs.get(name) ?? 0) + performance.now() - t);
      return result;
    },
    // the runner chains setLoopMaxIterations, which hands back the untimed kernel
    get: (target, key) => (key === 'setLoopMaxIterations' ? (n: number) => (target.setLoopMaxIterations(n), timed) : Reflect.get(target, key)),
  });
  return timed;
} as typeof createKernel;

const perStep = (ms: Map<string, number>) => [...ms].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / STEPS).toFixed(2)}`);

const items = parseItems(readFileSync('data/names.txt', 'utf8'), 'names');
const vocab = Vocab.fromItems(items, 'names');
const train = encodeAll(vocab, lectureSplit(items.map((i) => i.text)).train);
const cfg = { vocabSize: 27, ...LECTURE_CONFIG };
for (const mode of process.argv.slice(2)) {
  const [name, threads] = mode.split(':');
  const ops = name === 'reference' ? referenceOps : name === 'wasm' ? await createWasmOps({ threads: Number(threads ?? 1), spawn: nodeWorkers }) : createGpuOps(mode as GpuJsMode);
  const opMs = new Map<string, number>();
  const params = initLecture(cfg, new PythonRandom(42));
  const engine = convEngine(params, resolveSpec(lectureSpec(cfg)), timeOps(ops, opMs), train);
  const rng = new PythonRandom(1);
  const grads = engine.newGrads();
  for (let i = 0; i < WARMUP; i++) engine.step(rng, 32, grads);
  opMs.clear();
  kernelMs.clear();
  const t0 = performance.now();
  let targets = 0;
  for (let i = 0; i < STEPS; i++) targets += engine.step(rng, 32, grads).targets;
  const ms = performance.now() - t0;
  console.log(`${mode}: ${((STEPS / ms) * 1000).toFixed(1)} steps/s, ${((targets / ms) * 1000).toFixed(0)} targets/s, ${(ms / STEPS).toFixed(1)} ms/step`);
  console.log(`  ops, ms/step: ${perStep(opMs).join(', ')}`);
  if (kernelMs.size) console.log(`  kernels, ms/step:\n    ${perStep(kernelMs).join('\n    ')}`);
  kernelMs.clear();
}
