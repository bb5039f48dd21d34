// The conv model on the gpu.js ops trains as it does on the references. The ops pass activations to
// each other as views of padded rows (kernels/layout.ts), which the kernel tests, one op at a time,
// do not exercise; here every op's output feeds the next, at two padded batch sizes.

import { expect, it } from 'vitest';
import { describeModes } from './kernels-harness.ts';
import { randomModel, split, vocab } from './equivalence-helpers.ts';
import { maxRelError } from './fixture.ts';
import { ConvModel } from '../src/models/conv.ts';
import { referenceOps } from '../src/engine/ops.ts';
import { packWords } from '../src/data/packed-batch.ts';

const GRAD_TOL = 1e-4; // max abs difference / max |reference gradient|, float32
const SIZES = { nEmbd: 6, nHidden: 12 };

// P = 61 and 227, run padded to 64 and 240 rows
const batches = [split.val.slice(0, 9), split.val.slice(9, 42)].map((words) => packWords(words.map((w) => vocab.encode(w))));

describeModes('conv model on gpu.js ops', (ops) => {
  it.each(['train', 'eval'] as const)('gives the reference loss, gradients and BatchNorm statistics (%s mode)', (mode) => {
    const ref = randomModel(3, 11, SIZES);
    const gpu = randomModel(3, 11, SIZES);
    const refModel = new ConvModel(ref.params, ref.cfg, referenceOps);
    const gpuModel = new ConvModel(gpu.params, gpu.cfg, ops());
    for (const batch of batches) {
      const refGrads = ref.params.zeroGrads();
      const gpuGrads = gpu.params.zeroGrads();
      expect(gpuModel.lossAndGrad(batch, mode, gpuGrads)).toBeCloseTo(refModel.lossAndGrad(batch, mode, refGrads), 5);
      for (const [name, g] of refGrads) expect(maxRelError(gpuGrads.get(name)!.data, g.data), name).toBeLessThanOrEqual(GRAD_TOL);
      for (const name of ref.params.buffers) expect(maxRelError(gpu.params.get(name).data, ref.params.get(name).data), name).toBeLessThanOrEqual(1e-5);
    }
  });
});
