// The operations the conv engine runs, as one interface with two implementations: the plain-TS
// references from kernels/ (here) and the gpu.js kernels (gpu-ops.ts). Shapes and layouts: kernels/layout.ts.

import { convBackwardInputRef, convBackwardWeightRef, convForwardRef, type ConvShape } from '../../kernels/conv1d.ts';
import { bnBackwardRef, bnForwardRef, bnStatsRef, type BnShape } from '../../kernels/batchnorm.ts';
import { adamwUpdateRef, sgdUpdateRef, tanhBackwardRef, tanhForwardRef, type AdamWHyper } from '../../kernels/pointwise.ts';
import { embeddingBackwardRef, embeddingForwardRef } from '../../kernels/embedding.ts';
import { crossEntropyRef, headBackwardRef, headForwardRef, type HeadShape } from '../../kernels/head.ts';

/** The operations the conv form runs on: {@link referenceOps}, or gpu.js kernels from {@link createGpuOps}. */
export interface ConvOps {
  /** What runs these ops, e.g. "reference" or "gpu.js webasm". */
  readonly name: string;
  embeddingForward(table: Float32Array, idx: Int32Array, C: number): Float32Array;
  embeddingBackward(dy: Float32Array, idx: Int32Array, V: number, C: number): Float32Array;
  convForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, start: Int32Array, s: ConvShape): Float32Array;
  convBackwardInput(dy: Float32Array, w: Float32Array, start: Int32Array, s: ConvShape): Float32Array;
  convBackwardWeight(x: Float32Array, dy: Float32Array, start: Int32Array, s: ConvShape): { dw: Float32Array; dbias: Float32Array };
  /** Both backward passes of a bias-free conv at once (they share work on gpu.js). */
  convBackward(x: Float32Array, dy: Float32Array, w: Float32Array, start: Int32Array, s: ConvShape): { dx: Float32Array; dw: Float32Array };
  bnStats(x: Float32Array, s: BnShape): { mean: Float32Array; variance: Float32Array };
  bnForward(x: Float32Array, mean: Float32Array, variance: Float32Array, gamma: Float32Array, beta: Float32Array, eps: number, s: BnShape): Float32Array;
  bnBackward(
    dy: Float32Array,
    x: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    gamma: Float32Array,
    eps: number,
    training: boolean,
    s: BnShape,
  ): { dx: Float32Array; dgamma: Float32Array; dbeta: Float32Array };
  tanhForward(x: Float32Array): Float32Array;
  tanhBackward(y: Float32Array, dy: Float32Array): Float32Array;
  headForward(h: Float32Array, w: Float32Array, b: Float32Array, s: HeadShape): Float32Array;
  crossEntropy(logits: Float32Array, target: Int32Array, weight: Float32Array, s: HeadShape): { loss: Float32Array; dlogits: Float32Array };
  headBackward(dlogits: Float32Array, h: Float32Array, w: Float32Array, s: HeadShape): { dh: Float32Array; dw: Float32Array; db: Float32Array };
  /** In place on w. */
  sgdUpdate(w: Float32Array, g: Float32Array, lr: number): void;
  /** In place on w, m, v. */
  adamwUpdate(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, h: AdamWHyper): void;
}

/** The plain-TypeScript reference implementation of every op: slow, exact, runs anywhere. */
export const referenceOps: ConvOps = {
  name: 'reference',
  embeddingForward: embeddingForwardRef,
  embeddingBackward: embeddingBackwardRef,
  convForward: convForwardRef,
  convBackwardInput: convBackwardInputRef,
  convBackwardWeight: convBackwardWeightRef,
  convBackward: (x, dy, w, start, s) => ({ dx: convBackwardInputRef(dy, w, start, s), dw: convBackwardWeightRef(x, dy, start, s).dw }),
  bnStats: bnStatsRef,
  bnForward: bnForwardRef,
  bnBackward: bnBackwardRef,
  tanhForward: tanhForwardRef,
  tanhBackward: tanhBackwardRef,
  headForward: headForwardRef,
  crossEntropy: crossEntropyRef,
  headBackward: headBackwardRef,
  sgdUpdate: sgdUpdateRef,
  adamwUpdate: adamwUpdateRef,
};
