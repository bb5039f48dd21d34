// WaveNet's conv pass over whole words is the per-window model: every position's logits equal those
// of its window of receptive-field characters evaluated on its own (a word of its own, nothing
// shared with any other window), and the pass's gradients equal the sum of the windows' gradients.

import { describe, expect, it } from 'vitest';
import { randomWaveNet, split, vocab } from './equivalence-helpers.ts';
import { maxRelError } from './kernels-harness.ts';
import { ConvModel } from '../src/models/conv.ts';
import { referenceOps } from '../src/engine/reference-ops.ts';
import type { ConvOps } from '../src/engine/ops.ts';
import { packWords, type PackedBatch } from '../src/data/packed-batch.ts';
import type { WaveNetConfig } from '../src/presets/wavenet.ts';
import { describeBackends } from './kernels-harness.ts';

const LOGIT_TOL = 1e-4; // max abs difference, float32
const GRAD_TOL = 1e-4; // max abs difference / max |summed window gradient|

// real names, one longer than every receptive field here, and a one-letter one
const words = [...split.val.slice(0, 4), 'christopherjames', 'al'].map((w) => vocab.encode(w));

const CONFIGS: [string, Partial<WaveNetConfig>][] = [
  ['3 layers, no normalisation (receptive field 8)', { layers: 3 }],
  ['2 layers × 2 stacks, eval-mode BatchNorm (receptive field 7)', { layers: 2, stacks: 2, norm: 'batchnorm' }],
  ['4 layers, dropout (off in eval), LayerNorm (receptive field 16)', { layers: 4, dropout: 0.3, norm: 'layernorm' }],
];

/** Position p's window: the R inputs ending at p, '.' before the word; a batch of one word whose last position is p's target. */
function windowBatch(batch: PackedBatch, p: number, R: number): PackedBatch {
  const idx = new Int32Array(R);
  for (let j = 0; j < R; j++) {
    const q = p - (R - 1 - j);
    idx[j] = q >= batch.start[p] ? batch.idx[q] : 0;
  }
  const target = new Int32Array(R);
  target[R - 1] = batch.target[p];
  return { positions: R, idx, target, start: new Int32Array(R), words: 1 };
}

/** Rows that pass through a conv, counted per call. */
function countingOps(ops: ConvOps, rows: number[]): ConvOps {
  return { ...ops, convForward: (x, w, b, start, s) => (rows.push(s.P), ops.convForward(x, w, b, start, s)) };
}

describeBackends('WaveNet conv pass ≡ per-window forward', (ops) => describe.each(CONFIGS)('%s', (_, sizes) => {
  const { params, cfg, spec } = randomWaveNet(7, sizes);
  const R = spec.receptiveField;
  const batch = packWords(words);

  it('gives every position of every word the logits of its own window', () => {
    const convRows: number[] = [];
    const logits = new ConvModel(params, spec, countingOps(ops(), convRows)).forward(batch, 'eval').slice();
    const windowRows: number[] = [];
    const perWindow = new ConvModel(params, spec, countingOps(referenceOps, windowRows));
    const V = cfg.vocabSize;
    let worst = 0;
    for (let p = 0; p < batch.positions; p++) {
      const own = perWindow.forward(windowBatch(batch, p, R), 'eval');
      for (let v = 0; v < V; v++) worst = Math.max(worst, Math.abs(own[(R - 1) * V + v] - logits[p * V + v]));
    }
    expect(worst).toBeLessThanOrEqual(LOGIT_TOL);
    const [conv, windows] = [convRows.reduce((a, b) => a + b), windowRows.reduce((a, b) => a + b)];
    console.log(`${cfg.layers}×${cfg.stacks} layers, ${batch.positions} targets: conv rows computed ${conv}, per-window ${windows} (${(windows / conv).toFixed(1)}×)`);
    expect(windows / conv).toBe(R);
  });

  it('gives the sum of the windows’ gradients', () => {
    const grads = params.zeroGrads();
    new ConvModel(params, spec, ops()).lossAndGrad(batch, 'eval', grads);
    const summed = params.zeroGrads();
    const perWindow = new ConvModel(params, spec, referenceOps);
    const weights = new Float32Array(R);
    weights[R - 1] = 1 / batch.positions; // each window's one target, in the batch's mean
    for (let p = 0; p < batch.positions; p++) perWindow.lossAndGrad(windowBatch(batch, p, R), 'eval', summed, { weights });
    for (const [name, g] of summed) expect(maxRelError(grads.get(name)!.data, g.data), name).toBeLessThanOrEqual(GRAD_TOL);
  });
}), true);
