// Every gpu.js kernel a training step and an evaluation run, on gpu.js's WebGPU backend, against the
// same kernel with the same arguments on gpu.js cpu (whose ops `npm test` holds to the references).
// WebGPU kernels return Promises, so the engine's synchronous ops cannot run on them: the kernels
// are recorded from a run on gpu.js cpu, then replayed here one by one, awaited.

import { describe, expect, it } from 'vitest';
import { GPU } from 'gpu.js';
import { buildKernel, createGpuOps, specResult, type KernelArg } from '../../src/engine/gpu-ops.ts';
import type { KernelConstants, KernelSpec } from '../../kernels/spec.ts';
import { convEngine } from '../../src/train/engines.ts';
import { Optimizer } from '../../src/train/optimizer.ts';
import { PythonRandom } from '../../src/rng.ts';
import { randomModel, split, vocab } from '../equivalence-helpers.ts';
import { expectClose } from '../kernels-harness.ts';

interface Call {
  spec: KernelSpec<KernelConstants>;
  args: KernelArg[];
  result: Float32Array;
}

// the first run of each (kernel, constants) at the lecture's sizes: a training step of 32 words with
// AdamW, one with SGD, an evaluation of 512 words (the engine's chunk)
async function recordKernels(): Promise<Call[]> {
  const calls = new Map<string, Call>();
  const ops = createGpuOps('cpu', {
    observe: (spec, args, result) => {
      const key = `${spec.source.name} ${JSON.stringify(spec.constants)}`;
      if (!calls.has(key)) calls.set(key, { spec: spec as unknown as KernelSpec<KernelConstants>, args: args.map((a) => (typeof a === 'number' ? a : a.slice())), result: result.slice() });
    },
  });
  const { params, spec } = randomModel(3, 7, { nEmbd: 24, nHidden: 128 });
  const engine = convEngine(params, spec, ops, split.train.slice(0, 200).map((w) => vocab.encode(w)));
  const rng = new PythonRandom(3);
  for (const name of ['adamw', 'sgd'] as const) {
    const grads = engine.newGrads();
    engine.step(rng, 32, grads);
    new Optimizer({ name, lr: 0.01, decayAt: 1, weightDecay: 0.01 }, ops).step(params, grads, 0.01, 0);
  }
  engine.evaluate(split.val.slice(0, 512).map((w) => vocab.encode(w)));
  ops.destroy();
  return [...calls.values()];
}

const calls = await recordKernels();
const unavailable = !GPU.isWebGPUSupported ? 'no navigator.gpu in this browser' : !(await GPU.isWebGPUAvailable()) ? 'navigator.gpu gave no adapter' : null;

describe.skipIf(unavailable !== null)(`gpu.js kernels replayed [gpu.js webgpu]${unavailable ? ` unavailable: ${unavailable}` : ''}`, () => {
  it('replays every kernel of the ops', () => expect(calls.length).toBeGreaterThanOrEqual(20));

  for (const call of calls) {
    const shape = Object.entries(call.spec.constants).map(([k, v]) => `${k} ${v}`).join(', ');
    it(`${call.spec.source.name}: ${shape ? `${shape}, ` : ''}output ${call.spec.output.join('×')}, ≡ gpu.js cpu`, async () => {
      const gpu = new GPU({ mode: 'webgpu' });
      try {
        const kernel = buildKernel(gpu, call.spec);
        const result: unknown = await kernel(...(call.args as Parameters<typeof kernel>));
        expect((kernel.kernel.constructor as { mode?: string }).mode).toBe('webgpu');
        expectClose(specResult(call.spec, result), call.result);
      } finally {
        gpu.destroy();
      }
    });
  }
});
