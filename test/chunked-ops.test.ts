// The gpu.js ops within a backend's limits (src/engine/chunked-ops.ts), tested on gpu.js cpu with
// tiny emulated limits — a 32-texel GL texture side, a loop budget of 64 iterations, exact indices
// to 1,024 — so that every batch here is split into many calls: every kernel run must stay within
// them, and the conv model's loss and gradients, WaveNet's, and the optimizer updates must still be
// the reference's. Each model runs a small batch first and then a larger one on the same kernels
// (a kernel built small, then resized large: issue 13's silent failure on GL).

import { describe, expect, it } from 'vitest';
import { createGpuOps } from '../src/engine/gpu-ops.ts';
import { referenceOps } from '../src/engine/reference-ops.ts';
import { ConvModel } from '../src/models/conv.ts';
import { packWords } from '../src/data/packed-batch.ts';
import { evenSpans, wordSpans } from '../src/engine/row-spans.ts';
import { adamwUpdateRef, sgdUpdateRef } from '../kernels/pointwise.ts';
import type { BackendLimits } from '../src/engine/backend-limits.ts';
import type { KernelConstants, KernelSpec } from '../kernels/spec.ts';
import type { KernelArg } from '../src/engine/gpu-ops.ts';
import { randomModel, randomWaveNet, split, vocab } from './equivalence-helpers.ts';
import { expectClose, gaussian, maxRelError, packedStart } from './kernels-harness.ts';
import { PythonRandom } from '../src/rng.ts';

const LIMITS: Partial<BackendLimits> = { textureSide: 32, loopBudget: 64, exactIndex: 1024 };
const GRAD_TOL = 1e-4;

// P = 61, then 227: 2 and 8 calls of at most 32 rows
const batches = [split.val.slice(0, 9), split.val.slice(9, 42)].map((words) => packWords(words.map((w) => vocab.encode(w))));

/** Ops with the emulated limits, and what their kernel runs broke of them. */
function limitedOps() {
  const broken: string[] = [];
  const observe = <C extends KernelConstants>(spec: KernelSpec<C>, args: KernelArg[], result: Float32Array) => {
    const name = spec.source.name;
    // gpu.js gives a 2-D output a texture of exactly its size; other outputs a square one
    if (spec.output.length === 2 && Math.max(...spec.output) > LIMITS.textureSide!) broken.push(`${name}: output ${spec.output.join('×')}`);
    for (const a of [...args, result]) if (typeof a !== 'number' && a.length > LIMITS.exactIndex!) broken.push(`${name}: an array of ${a.length}`);
  };
  return { ops: createGpuOps('cpu', { observe, limits: LIMITS }), broken };
}

describe('gpu.js ops within emulated limits (gpu.js cpu)', () => {
  it.each(['train', 'eval'] as const)('the lecture model: reference loss and gradients, every kernel run within the limits (%s mode)', (mode) => {
    const { ops, broken } = limitedOps();
    const ref = randomModel(3, 11, { nEmbd: 6, nHidden: 12 });
    const other = randomModel(3, 11, { nEmbd: 6, nHidden: 12 });
    const [refModel, model] = [new ConvModel(ref.params, ref.spec, referenceOps), new ConvModel(other.params, other.spec, ops)];
    for (const batch of batches) {
      const [refGrads, grads] = [ref.params.zeroGrads(), other.params.zeroGrads()];
      expect(model.lossAndGrad(batch, mode, grads)).toBeCloseTo(refModel.lossAndGrad(batch, mode, refGrads), 5);
      for (const [name, g] of refGrads) expect(maxRelError(grads.get(name)!.data, g.data), name).toBeLessThanOrEqual(GRAD_TOL);
      for (const name of ref.params.buffers) expect(maxRelError(other.params.get(name).data, ref.params.get(name).data), name).toBeLessThanOrEqual(1e-5);
    }
    expect(broken).toEqual([]);
    ops.destroy();
  });

  it.each(['batchnorm', 'layernorm'] as const)('WaveNet with dropout and %s: the reference loss and gradients, within the limits', (norm) => {
    const { ops, broken } = limitedOps();
    const sizes = { channels: 8, skipChannels: 12, layers: 3, stacks: 1, dropout: 0.2, norm };
    const [ref, other] = [randomWaveNet(13, sizes), randomWaveNet(13, sizes)];
    const [refModel, model] = [new ConvModel(ref.params, ref.spec, referenceOps), new ConvModel(other.params, other.spec, ops)];
    for (const [i, batch] of batches.entries()) {
      const [refGrads, grads] = [ref.params.zeroGrads(), other.params.zeroGrads()];
      expect(model.lossAndGrad(batch, 'train', grads, { seed: i })).toBeCloseTo(refModel.lossAndGrad(batch, 'train', refGrads, { seed: i }), 5);
      // relative to at least 1e-3: under BatchNorm, input.bias's gradient is 0 up to rounding (conv-model-backends.test.ts)
      for (const [name, g] of refGrads) expect(maxAbsDiff(grads.get(name)!.data, g.data) / Math.max(maxAbs(g.data), 1e-3), name).toBeLessThanOrEqual(GRAD_TOL);
    }
    expect(broken).toEqual([]);
    ops.destroy();
  });

  it('SGD and AdamW over 1,000 weights (AdamW writes 3 per weight): the reference update', () => {
    const { ops, broken } = limitedOps();
    const rng = new PythonRandom(5);
    const [w, g, m, v] = [gaussian(rng, 1000), gaussian(rng, 1000), gaussian(rng, 1000, 0.1), gaussian(rng, 1000).map((x) => x * x)];
    const hyper = { lr: 0.01, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.01, step: 3 };
    const want = [w, m, v].map((a) => a.slice());
    adamwUpdateRef(want[0], g, want[1], want[2], hyper);
    const got = [w, m, v].map((a) => a.slice());
    ops.adamwUpdate(got[0], g, got[1], got[2], hyper);
    got.forEach((a, i) => expectClose(a, want[i]));
    const [sgd, sgdWant] = [w.slice(), w.slice()];
    sgdUpdateRef(sgdWant, g, 0.1);
    ops.sgdUpdate(sgd, g, 0.1);
    expectClose(sgd, sgdWant);
    expect(broken).toEqual([]);
    ops.destroy();
  });

  it('a word longer than one call may take is refused, naming the limit', () => {
    const { ops } = limitedOps();
    const start = packedStart([5, 40, 3]);
    const s = { P: start.length, cIn: 4, cOut: 4, K: 2, dilation: 1 };
    expect(() => ops.convForward(new Float32Array(s.P * 4), new Float32Array(32), null, start, s)).toThrow(/a word of more than \d+ positions/);
    ops.destroy();
  });
});

const maxAbs = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('row spans', () => {
  it('even spans cover the rows in near-equal parts of at most the given size', () => {
    expect(evenSpans(10, 4)).toEqual([[0, 3], [3, 6], [6, 10]]);
    expect(evenSpans(8, 8)).toEqual([[0, 8]]);
  });

  it('word spans end at word boundaries and hold as many whole words as fit', () => {
    expect(wordSpans(packedStart([3, 4, 2, 5]), 8)).toEqual([[0, 7], [7, 14]]);
    expect(wordSpans(packedStart([1, 1, 1]), 2)).toEqual([[0, 2], [2, 3]]);
  });
});
