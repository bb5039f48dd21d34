// The heart of the engine: the conv form over whole words is the tree form, window by window.
import { describe, expect, it } from 'vitest';
import { randomModel, split, vocab } from './equivalence-helpers.ts';
import { TreeModel } from '../src/models/tree.ts';
import { lectureSpec } from '../src/presets/lecture.ts';
import { resolveSpec } from '../src/spec/resolve.ts';
import { ConvModel } from '../src/models/conv.ts';
import { describeBackends, maxRelError } from './kernels-harness.ts';
import type { ConvOps } from '../src/engine/ops.ts';
import { packWords } from '../src/data/packed-batch.ts';
import { buildWindows } from '../src/data/windows.ts';
import { blockSize } from '../src/params.ts';
import { Linear } from '../src/layers/linear.ts';
import { Embedding } from '../src/layers/embedding.ts';
import { convNodeCounts, treeNodeCounts } from '../src/models/node-count.ts';
import type { Layer, Mode } from '../src/layers/layer.ts';
import type { Tensor } from '../src/tensor.ts';

const LOGIT_TOL = 1e-4; // max abs difference, float32
const GRAD_TOL = 1e-4; // max abs difference / max |tree gradient|

// Real names from the dev split, including long ones so that windows of 32 see whole words.
const words = [...split.val.slice(0, 5), 'christopherjames', 'al'].map((w) => vocab.encode(w));

function forms(nLayers: number, ops: ConvOps, options: { batchNorm?: boolean } = {}, kernel = 2) {
  const { params, cfg } = randomModel(nLayers, 1000 + nLayers, { nEmbd: 5, nHidden: 7, ...(kernel === 2 ? {} : { kernel }) });
  const spec = resolveSpec(lectureSpec(cfg, options));
  return {
    params,
    cfg,
    spec,
    tree: TreeModel.hierarchical(params, cfg, options),
    conv: new ConvModel(params, spec, ops),
    batch: packWords(words),
    windows: buildWindows(words, blockSize(cfg)),
  };
}

/** Σ over windows of each window's own tree gradient (one window at a time), scaled to the mean loss. */
function summedTreeGrads(f: ReturnType<typeof forms>) {
  const grads = f.params.zeroGrads();
  const B = f.windows.blockSize;
  for (let i = 0; i < f.windows.count; i++) {
    f.tree.lossAndGrad(f.windows.x.subarray(i * B, (i + 1) * B), [f.windows.y[i]], 'eval', grads);
  }
  for (const g of grads.values()) g.data.forEach((v, i, a) => (a[i] = v / f.windows.count));
  return grads;
}

/** max |conv logit − tree logit| over every position (eval mode). */
function worstLogitDiff(f: ReturnType<typeof forms>): number {
  const convLogits = f.conv.forward(f.batch, 'eval');
  const treeLogits = f.tree.forward(f.windows.x, 'eval');
  let worst = 0;
  for (let i = 0; i < convLogits.length; i++) worst = Math.max(worst, Math.abs(convLogits[i] - treeLogits.data[i]));
  return worst;
}

describeBackends('conv ≡ tree', (ops) => describe.each([1, 2, 3, 4, 5])('with %i layers (block size 2^n)', (nLayers) => {
  it('gives every position the logits of its window (eval-mode BN)', () => {
    const f = forms(nLayers, ops());
    expect(f.batch.positions).toBe(f.windows.count);
    expect(worstLogitDiff(f)).toBeLessThanOrEqual(LOGIT_TOL);
  });

  it('gives the mean loss of all the windows', () => {
    const f = forms(nLayers, ops());
    expect(f.conv.loss(f.batch, 'eval')).toBeCloseTo(f.tree.loss(f.windows.x, f.windows.y, 'eval'), 5);
  });

  it.each([true, false])('gives the summed tree gradient of every parameter (batchNorm: %s)', (batchNorm) => {
    const f = forms(nLayers, ops(), { batchNorm });
    const convGrads = f.params.zeroGrads();
    f.conv.lossAndGrad(f.batch, 'eval', convGrads);
    const treeGrads = summedTreeGrads(f);
    for (const [name, g] of treeGrads) {
      if (!batchNorm && name.startsWith('bn.')) continue; // unused without BatchNorm
      expect(maxRelError(convGrads.get(name)!.data, g.data), name).toBeLessThanOrEqual(GRAD_TOL);
    }
  });

  it('evaluates each node once, where the tree evaluates 2^(n−k) per window', () => {
    const f = forms(nLayers, ops());
    const treeCounts = countTreeNodes(f.tree.net.layers, () => f.tree.forward(f.windows.x, 'eval'));
    const convCounts = countConvNodes(f.conv, (ops) => new ConvModel(f.params, f.spec, ops).forward(f.batch, 'eval'));
    expect(treeCounts).toEqual(treeNodeCounts(f.windows.count, nLayers));
    expect(convCounts).toEqual(convNodeCounts(f.batch.positions, nLayers));
    expect(treeCounts[0] / convCounts[0]).toBe(2 ** nLayers);
  });
}), true);

// Kernel K ≠ 2: one layer of K = 3 or 8 is the lecture's flat MLP over 3 or 8 characters; two layers of K = 3 see 9.
describeBackends('conv ≡ tree with other kernels', (ops) => describe.each([[1, 3], [1, 8], [2, 3]])('%i layers of kernel %i', (nLayers, kernel) => {
  it('gives every position the logits of its window (eval-mode BN)', () => {
    const f = forms(nLayers, ops(), {}, kernel);
    expect(f.windows.blockSize).toBe(kernel ** nLayers);
    expect(worstLogitDiff(f)).toBeLessThanOrEqual(LOGIT_TOL);
  });

  it('gives the summed tree gradient of every parameter', () => {
    const f = forms(nLayers, ops(), {}, kernel);
    const convGrads = f.params.zeroGrads();
    f.conv.lossAndGrad(f.batch, 'eval', convGrads);
    for (const [name, g] of summedTreeGrads(f)) expect(maxRelError(convGrads.get(name)!.data, g.data), name).toBeLessThanOrEqual(GRAD_TOL);
  });
}), true);

/** Rows produced by the embedding and each conv Linear in one tree forward. */
function countTreeNodes(layers: Layer[], run: () => void): number[] {
  const counts: number[] = [];
  for (const layer of layers) {
    if (!(layer instanceof Linear || layer instanceof Embedding) || (layer instanceof Linear && counts.length === 0)) continue;
    const counted: Layer = layer;
    const original = counted.forward.bind(layer);
    const level = counts.push(0) - 1;
    counted.forward = (x: Tensor, mode: Mode) => {
      const y = original(x, mode);
      counts[level] += y.data.length / y.shape[y.shape.length - 1];
      return y;
    };
  }
  run();
  return counts.slice(0, -1); // the last Linear is the head, not a tree node
}

/** Rows produced by the embedding gather and each conv in one conv forward. */
function countConvNodes(conv: ConvModel, run: (ops: ConvOps) => void): number[] {
  const counts: number[] = [];
  const ops: ConvOps = {
    ...conv.ops,
    embeddingForward: (table, idx, C) => (counts.push(idx.length), conv.ops.embeddingForward(table, idx, C)),
    convForward: (x, w, b, start, s) => (counts.push(s.P), conv.ops.convForward(x, w, b, start, s)),
  };
  run(ops);
  return counts;
}
