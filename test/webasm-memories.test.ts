// gpu.js webasm gives every kernel module its own WebAssembly.Memory, and a Chromium page holds only
// about 124 (issue 13): the gpu.js runner keeps all live webasm kernels' modules under a budget
// (src/engine/webasm-memories.ts). The lecture model at 14 batch sizes would compile some 20 kernels
// × 8 sizes; the count must stay within the budget and the losses must still be the reference's.

import { expect, it } from 'vitest';
import { probeMode } from '../src/backend.ts';
import { createGpuOps } from '../src/engine/gpu-ops.ts';
import { referenceOps } from '../src/engine/reference-ops.ts';
import { liveWebasmMemories, WEBASM_MEMORY_BUDGET } from '../src/engine/webasm-memories.ts';
import { ConvModel } from '../src/models/conv.ts';
import { packWords } from '../src/data/packed-batch.ts';
import { randomModel, split, vocab } from './equivalence-helpers.ts';

const webasm = probeMode('webasm');

it.skipIf(!webasm.ok)(`gpu.js webasm keeps at most ${WEBASM_MEMORY_BUDGET} kernel memories alive${webasm.ok ? '' : ` (skipped: webasm unavailable: ${webasm.reason})`}`, () => {
  const ops = createGpuOps('webasm');
  const ref = randomModel(3, 11, { nEmbd: 6, nHidden: 12 });
  const other = randomModel(3, 11, { nEmbd: 6, nHidden: 12 });
  const [refModel, model] = [new ConvModel(ref.params, ref.spec, referenceOps), new ConvModel(other.params, other.spec, ops)];
  let most = 0;
  for (let words = 2; words <= 80; words = Math.ceil(words * 1.35)) {
    const batch = packWords(split.val.slice(0, words).map((w) => vocab.encode(w)));
    const [refGrads, grads] = [ref.params.zeroGrads(), other.params.zeroGrads()];
    expect(model.lossAndGrad(batch, 'train', grads)).toBeCloseTo(refModel.lossAndGrad(batch, 'train', refGrads), 5);
    most = Math.max(most, liveWebasmMemories());
  }
  expect(most).toBeLessThanOrEqual(WEBASM_MEMORY_BUDGET);
  expect(ops.kernelCount() * 8, 'enough kernels and sizes to need the budget').toBeGreaterThan(WEBASM_MEMORY_BUDGET);
  ops.destroy();
  expect(liveWebasmMemories()).toBe(0);
});
