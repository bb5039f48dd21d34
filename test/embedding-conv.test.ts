// A conv first in the stack runs over the embedding's table once a batch has at least twice the
// table's rows in positions (src/models/conv-layers/embedding-conv.ts), and a conv reading a 1-tap
// first conv's output over that conv's table (table-conv.ts). In eval mode each word's
// logits, and its positions' share of the gradient, do not depend on the other words of its batch:
// so a batch large enough to fold is held to the same words in batches too small to, which run the
// plain conv over the embedding's output, on every backend.

import { expect, it } from 'vitest';
import { describeBackends, maxRelError } from './kernels-harness.ts';
import { split, vocab } from './equivalence-helpers.ts';
import { ConvModel } from '../src/models/conv.ts';
import { packWords, type PackedBatch } from '../src/data/packed-batch.ts';
import { resolveSpec } from '../src/spec/resolve.ts';
import { initParams } from '../src/spec/init.ts';
import { presetSpec } from '../src/presets/registry.ts';
import { PythonRandom } from '../src/rng.ts';
import type { ModelSpec } from '../src/spec/types.ts';
import type { ConvOps } from '../src/engine/ops.ts';

const LOGIT_TOL = 1e-5; // max abs difference / max |logit|
const GRAD_TOL = 1e-4;

/**
 * First layers of each kind the fold takes, and how many products over a table a forward runs (a
 * tap each): conv → BatchNorm → tanh (fused), a plain conv with a bias, a weight-normalised one, a
 * 1-tap one — whose output a conv reads as a table in turn (table-conv.ts): the next conv, or the first
 * of a residual's body, with or without a shortcut, weight-normalised or not.
 */
const SPECS: [string, ModelSpec, number][] = [
  ['lecture: conv K 2 → BatchNorm → tanh', presetSpec('lecture', { 'n-embd': 5, 'n-hidden': 8, layers: 2 }, vocab.size), 2],
  ['conv K 3, dilation 2, bias', { vocabSize: vocab.size, embedding: 4, layers: [{ type: 'conv', out: 6, kernel: 3, dilation: 2 }, { type: 'tanh' }, { type: 'conv', out: 6, kernel: 2, dilation: 6 }] }, 3],
  ['weight-normalised conv K 2', { vocabSize: vocab.size, embedding: 4, layers: [{ type: 'conv', out: 6, kernel: 2, weightNorm: true }, { type: 'relu' }, { type: 'conv', out: 6, kernel: 2, dilation: 2 }] }, 2],
  ['1-tap conv (WaveNet input) → residual(dilated conv, …)', presetSpec('wavenet', { 'n-embd': 4, channels: 5, layers: 2 }, vocab.size), 3],
  ['1-tap conv → conv K 3, dilation 2', { vocabSize: vocab.size, embedding: 4, layers: [{ type: 'conv', out: 6 }, { type: 'conv', out: 7, kernel: 3, dilation: 2 }, { type: 'tanh' }, { type: 'conv', out: 6, kernel: 2, dilation: 4 }] }, 4],
  [
    '1-tap conv → residual(weight-normalised conv K 2, …)',
    { vocabSize: vocab.size, embedding: 4, layers: [{ type: 'conv', out: 6 }, { type: 'residual', body: [{ type: 'conv', out: 6, kernel: 2, dilation: 3, weightNorm: true }, { type: 'relu' }, { type: 'conv', out: 6 }] }, { type: 'tanh' }] },
    3,
  ],
  ['1-tap conv → residual with a shortcut (conv K 2 to 8 channels)', { vocabSize: vocab.size, embedding: 4, layers: [{ type: 'conv', out: 6 }, { type: 'residual', body: [{ type: 'conv', out: 8, kernel: 2 }, { type: 'tanh' }] }] }, 3],
];

const words = split.val.slice(0, 40).map((w) => vocab.encode(w));
// 40 words, ~280 positions: over twice the table's 27 rows; 3 words a batch stay under 54 positions
const large = packWords(words);
const small = Array.from({ length: Math.ceil(words.length / 3) }, (_, i) => packWords(words.slice(3 * i, 3 * i + 3)));

/** convForward calls over the table's rows (one per tap and batch), by spying on the ops. */
function tableCalls(ops: ConvOps): { ops: ConvOps; calls: () => number } {
  let calls = 0;
  return { ops: { ...ops, convForward: (x, w, b, start, s) => ((calls += s.P === vocab.size ? 1 : 0), ops.convForward(x, w, b, start, s)) }, calls: () => calls };
}

describeBackends('the first conv over the embedding table', (ops) => {
  it.each(SPECS)('%s: the plain conv\'s logits and gradients', (_name, modelSpec, tableProducts) => {
    const spec = resolveSpec(modelSpec);
    const params = initParams(spec, new PythonRandom(5));
    // biases and gains away from their initial zeros and ones, so that each reaches the result
    for (const t of params.tensors.values()) if (t.shape.length === 1) t.data.forEach((v, i, a) => (a[i] = v + 0.3 * Math.sin(7 * i + 1)));
    params.moveTo(ops().allocate);
    const spy = tableCalls(ops());
    const model = new ConvModel(params, spec, spy.ops);
    const run = (batch: PackedBatch) => {
      const grads = params.zeroGrads(ops().allocate);
      // every position weighs 1 / (all positions), in whichever batch it stands
      model.lossAndGrad(batch, 'eval', grads, { weights: new Float32Array(batch.positions).fill(1 / large.positions) });
      return { logits: Float32Array.from(model.forward(batch, 'eval')), grads };
    };

    const folded = run(large);
    const foldedCalls = spy.calls();
    expect(foldedCalls, 'the large batch ran over the tables (two forwards)').toBe(2 * tableProducts);
    const plain = small.map(run);
    expect(spy.calls(), 'the small batches ran the plain conv').toBe(foldedCalls);

    const plainLogits = new Float32Array(folded.logits.length);
    let at = 0;
    for (const p of plain) plainLogits.set(p.logits, (at += p.logits.length) - p.logits.length);
    expect(maxRelError(folded.logits, plainLogits)).toBeLessThanOrEqual(LOGIT_TOL);
    for (const [name, g] of folded.grads) {
      const summed = new Float32Array(g.data.length);
      for (const p of plain) p.grads.get(name)!.data.forEach((v, i) => (summed[i] += v));
      expect(maxRelError(g.data, summed), name).toBeLessThanOrEqual(GRAD_TOL);
    }
  });
});
