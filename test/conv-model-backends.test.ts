// The conv model on every backend's ops trains as it does on the references. The ops pass
// activations to each other as views (of gpu.js's padded rows, kernels/layout.ts; of the wasm
// memory), which the kernel tests, one op at a time, do not exercise; here every op's output feeds
// the next, at two batch sizes, with the parameters and gradients where the engine puts them.

import { expect, it } from 'vitest';
import { describeBackends, maxRelError } from './kernels-harness.ts';
import { randomModel, randomWaveNet, split, vocab } from './equivalence-helpers.ts';
import { ConvModel } from '../src/models/conv.ts';
import { referenceOps } from '../src/engine/reference-ops.ts';
import { packWords } from '../src/data/packed-batch.ts';

const GRAD_TOL = 1e-4; // max abs difference / max |reference gradient|, float32
const SIZES = { nEmbd: 6, nHidden: 12 };

// P = 61 and 227, run padded to 64 and 240 rows
const batches = [split.val.slice(0, 9), split.val.slice(9, 42)].map((words) => packWords(words.map((w) => vocab.encode(w))));

describeBackends('conv model on each backend', (ops) => {
  it.each(['train', 'eval'] as const)('gives the reference loss, gradients and BatchNorm statistics (%s mode)', (mode) => {
    const ref = randomModel(3, 11, SIZES);
    const other = randomModel(3, 11, SIZES);
    other.params.moveTo(ops().allocate); // where convEngine puts them
    const refModel = new ConvModel(ref.params, ref.spec, referenceOps);
    const model = new ConvModel(other.params, other.spec, ops());
    for (const batch of batches) {
      const refGrads = ref.params.zeroGrads();
      const grads = other.params.zeroGrads(ops().allocate);
      expect(model.lossAndGrad(batch, mode, grads)).toBeCloseTo(refModel.lossAndGrad(batch, mode, refGrads), 5);
      for (const [name, g] of refGrads) expect(maxRelError(grads.get(name)!.data, g.data), name).toBeLessThanOrEqual(GRAD_TOL);
      for (const name of ref.params.buffers) expect(maxRelError(other.params.get(name).data, ref.params.get(name).data), name).toBeLessThanOrEqual(1e-5);
    }
  });

  // the wasm threads claim pieces of each kernel in whatever order they get to them; sums are kept per piece
  it('is deterministic: the same batch twice gives bit-identical loss and gradients', () => {
    const { params, spec } = randomModel(3, 12, SIZES);
    params.moveTo(ops().allocate);
    const model = new ConvModel(params, spec, ops());
    const run = () => {
      const grads = params.zeroGrads(ops().allocate);
      const loss = model.lossAndGrad(batches[1], 'eval', grads);
      return { loss, grads: [...grads.values()].map((g) => Array.from(g.data)) };
    };
    const first = run();
    for (let i = 0; i < 5; i++) expect(run()).toEqual(first);
  });

  it.each(['none', 'batchnorm', 'layernorm'] as const)('runs WaveNet as the reference does, dropout included (training, norm %s)', (norm) => {
    const sizes = { channels: 8, skipChannels: 12, layers: 3, stacks: 2, dropout: 0.2, norm };
    const ref = randomWaveNet(13, sizes);
    const other = randomWaveNet(13, sizes);
    other.params.moveTo(ops().allocate);
    const refModel = new ConvModel(ref.params, ref.spec, referenceOps);
    const model = new ConvModel(other.params, other.spec, ops());
    for (const [i, batch] of batches.entries()) {
      const refGrads = ref.params.zeroGrads();
      const grads = other.params.zeroGrads(ops().allocate);
      expect(model.lossAndGrad(batch, 'train', grads, { seed: i })).toBeCloseTo(refModel.lossAndGrad(batch, 'train', refGrads, { seed: i }), 5);
      // relative to at least 1e-3: under BatchNorm, input.bias's gradient is 0 up to rounding (every
      // consumer of the residual stream is a dilated conv whose output BatchNorm re-centres)
      for (const [name, g] of refGrads) expect(maxAbsDiff(grads.get(name)!.data, g.data) / Math.max(maxAbs(g.data), 1e-3), name).toBeLessThanOrEqual(GRAD_TOL);
      for (const name of ref.params.buffers) expect(maxRelError(other.params.get(name).data, ref.params.get(name).data), name).toBeLessThanOrEqual(1e-5);
    }
  });
});

const maxAbs = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxAbsDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
