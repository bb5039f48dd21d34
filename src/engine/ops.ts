// The operations the conv engine runs, as one interface with several implementations: the plain-TS
// references from kernels/ (reference-ops.ts), the gpu.js kernels (gpu-ops.ts) and the WebAssembly SIMD kernels
// (wasm-ops.ts). Shapes and layouts: kernels/layout.ts.
//
// Results are the op's own arrays, valid until the next `beginPass` (a backend may reuse their space
// then). Backward ops add parameter gradients into the arrays they are given (`+=`), so a model's
// gradient buffers collect every contribution without a copy; they return the input gradient.
// Fused ops (conv + statistics, BatchNorm + tanh, LayerNorm + gate + dropout, head + cross-entropy)
// are what the model calls;
// a backend without a fused kernel runs them as the composition below.

import type { ConvShape } from '../../kernels/conv1d.ts';
import type { BnShape } from '../../kernels/batchnorm.ts';
import type { AdamWHyper } from '../../kernels/pointwise.ts';
import type { HeadShape } from '../../kernels/head.ts';
import type { GateShape } from '../../kernels/gate.ts';
import type { LnShape } from '../../kernels/layernorm.ts';
import { dropoutMaskRef, type DropoutMask } from '../../kernels/dropout.ts';
import type { BackendLimits } from './backend-limits.ts';

/** Per-channel batch statistics. */
export interface BatchStats {
  mean: Float32Array;
  variance: Float32Array; // unbiased
}

/** Per-position losses and the logits' gradient. */
export interface CrossEntropyResult {
  loss: Float32Array; // (P) weight·(−log softmax[target])
  dlogits: Float32Array; // (P, V)
}

/** The ops each backend implements itself ({@link ConvOps} adds the fused ones). */
export interface PrimitiveOps {
  /** What runs these ops, e.g. "reference" or "gpu.js webasm". */
  readonly name: string;
  /** What one kernel call can take; the ops split or refuse what does not fit (backend-limits.ts). */
  readonly limits: BackendLimits;
  /** A zeroed array these ops read and write in place (for a wasm backend, in its memory). */
  allocate(length: number): Float32Array;
  /** Results of earlier passes may be overwritten from now on. */
  beginPass(): void;
  embeddingForward(table: Float32Array, idx: Int32Array, C: number): Float32Array;
  /** dtable (V, C) += each position's dy on the row it read. */
  embeddingBackward(dy: Float32Array, idx: Int32Array, C: number, dtable: Float32Array): void;
  convForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, start: Int32Array, s: ConvShape): Float32Array;
  convBackwardInput(dy: Float32Array, w: Float32Array, start: Int32Array, s: ConvShape): Float32Array;
  /** dw += ∂/∂w, and dbias += ∂/∂bias when given. */
  convBackwardWeight(x: Float32Array, dy: Float32Array, start: Int32Array, s: ConvShape, dw: Float32Array, dbias: Float32Array | null): void;
  /** Both backward passes, sharing their work: dw += ∂/∂w, dbias += ∂/∂bias when given; returns dx. */
  convBackward(x: Float32Array, dy: Float32Array, w: Float32Array, start: Int32Array, s: ConvShape, dw: Float32Array, dbias?: Float32Array | null): Float32Array;
  bnStats(x: Float32Array, s: BnShape): BatchStats;
  bnForward(x: Float32Array, mean: Float32Array, variance: Float32Array, gamma: Float32Array, beta: Float32Array, eps: number, s: BnShape): Float32Array;
  /** dgamma, dbeta += their gradients; returns dx. `training`: the statistics were the batch's own. */
  bnBackward(dy: Float32Array, x: Float32Array, mean: Float32Array, variance: Float32Array, gamma: Float32Array, eps: number, training: boolean, s: BnShape, dgamma: Float32Array, dbeta: Float32Array): Float32Array;
  tanhForward(x: Float32Array): Float32Array;
  tanhBackward(y: Float32Array, dy: Float32Array): Float32Array;
  /** x (P, 2C) → tanh(x[:, :C]) ⊙ σ(x[:, C:]) (P, C): WaveNet's gated unit. */
  gateForward(x: Float32Array, s: GateShape): Float32Array;
  /** x (P, 2C), dy (P, C) → dx (P, 2C). */
  gateBackward(x: Float32Array, dy: Float32Array, s: GateShape): Float32Array;
  /** x (P, C) → each position normalised over its C channels, then ·γ + β (LayerNorm). */
  lnForward(x: Float32Array, gamma: Float32Array, beta: Float32Array, eps: number, s: LnShape): Float32Array;
  /** dγ, dβ += their gradients; returns dx. */
  lnBackward(dy: Float32Array, x: Float32Array, gamma: Float32Array, eps: number, s: LnShape, dgamma: Float32Array, dbeta: Float32Array): Float32Array;
  reluForward(x: Float32Array): Float32Array;
  /** y = relu(x), dy → dx. */
  reluBackward(y: Float32Array, dy: Float32Array): Float32Array;
  /** a + b, elementwise: residual and skip connections. */
  add(a: Float32Array, b: Float32Array): Float32Array;
  /** a ⊙ b, elementwise. */
  multiply(a: Float32Array, b: Float32Array): Float32Array;
  headForward(h: Float32Array, w: Float32Array, b: Float32Array, s: HeadShape): Float32Array;
  crossEntropy(logits: Float32Array, target: Int32Array, weight: Float32Array, s: HeadShape): CrossEntropyResult;
  /** dw, db += their gradients; returns dh. */
  headBackward(dlogits: Float32Array, h: Float32Array, w: Float32Array, s: HeadShape, dw: Float32Array, db: Float32Array): Float32Array;
  /** In place on w. */
  sgdUpdate(w: Float32Array, g: Float32Array, lr: number): void;
  /** In place on w, m, v. */
  adamwUpdate(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, h: AdamWHyper): void;
}

/** One tensor's AdamW arrays: the weights, their gradient, and the two moments (all updated in place but g). */
export interface AdamWTensors {
  w: Float32Array;
  g: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

/** The primitives and the fused ops the model runs. */
export interface ConvOps extends PrimitiveOps {
  /** A bias-free convForward and the batch statistics of its output. */
  convForwardStats(x: Float32Array, w: Float32Array, start: Int32Array, s: ConvShape): BatchStats & { y: Float32Array };
  /** add(convForward(…), addend): a residual or a running skip sum, added where the conv stores y. */
  convForwardAdd(x: Float32Array, w: Float32Array, bias: Float32Array | null, start: Int32Array, s: ConvShape, addend: Float32Array): Float32Array;
  /** add(convBackward(…), addend): the gradient that goes around the conv, added where it stores dx. */
  convBackwardAdd(x: Float32Array, dy: Float32Array, w: Float32Array, start: Int32Array, s: ConvShape, dw: Float32Array, dbias: Float32Array | null, addend: Float32Array): Float32Array;
  /** tanh(bnForward(…)). */
  bnTanhForward(x: Float32Array, mean: Float32Array, variance: Float32Array, gamma: Float32Array, beta: Float32Array, eps: number, s: BnShape): Float32Array;
  /** bnBackward of tanhBackward(y, dy): from the gradient of y = tanh(BN(x)) to that of x. */
  tanhBnBackward(
    y: Float32Array,
    dy: Float32Array,
    x: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    gamma: Float32Array,
    eps: number,
    training: boolean,
    s: BnShape,
    dgamma: Float32Array,
    dbeta: Float32Array,
  ): Float32Array;
  /** x ⊙ the mask (kernels/dropout.ts): dropout's forward, and with the same mask its backward. */
  dropout(x: Float32Array, mask: DropoutMask): Float32Array;
  /**
   * x (P, 2C) → y = dropout(gateForward(lnForward(x))) (P, C), the LayerNorm over all 2C channels; no
   * dropout when mask is null. With `keep`, also `saved`, what lnGateBackward reads: which
   * activations (and so its length) is the backend's choice.
   */
  lnGateForward(x: Float32Array, gamma: Float32Array, beta: Float32Array, eps: number, mask: DropoutMask | null, s: GateShape, keep: boolean): { y: Float32Array; saved: Float32Array | null };
  /** From the gradient of lnGateForward's output to that of x (P, 2C), given what it saved; dgamma, dbeta += theirs. */
  lnGateBackward(dy: Float32Array, x: Float32Array, saved: Float32Array, gamma: Float32Array, eps: number, mask: DropoutMask | null, s: GateShape, dgamma: Float32Array, dbeta: Float32Array): Float32Array;
  /** Every element of `arrays` ← 0 (a training step's gradient buffers, before the backward adds into them). */
  zero(arrays: Float32Array[]): void;
  /** adamwUpdate of every tensor in `tensors`, as one op: one kernel call over all of them where a backend has one. */
  adamwUpdateAll(tensors: AdamWTensors[], h: AdamWHyper): void;
  /** crossEntropy of headForward, with the logits. */
  headCrossEntropy(h: Float32Array, w: Float32Array, b: Float32Array, target: Int32Array, weight: Float32Array, s: HeadShape): CrossEntropyResult & { logits: Float32Array };
}

/** The fused ops as compositions of the primitives, for backends without fused kernels. */
export function withComposedFusions(p: PrimitiveOps): ConvOps {
  // the mask drawn on the host
  const dropout = (x: Float32Array, mask: DropoutMask) => p.multiply(x, dropoutMaskRef(x.length, mask));
  return {
    ...p,
    convForwardStats: (x, w, start, s) => {
      const y = p.convForward(x, w, null, start, s);
      return { y, ...p.bnStats(y, { P: s.P, C: s.cOut }) };
    },
    convForwardAdd: (x, w, bias, start, s, addend) => p.add(p.convForward(x, w, bias, start, s), addend),
    convBackwardAdd: (x, dy, w, start, s, dw, dbias, addend) => p.add(p.convBackward(x, dy, w, start, s, dw, dbias), addend),
    bnTanhForward: (x, mean, variance, gamma, beta, eps, s) => p.tanhForward(p.bnForward(x, mean, variance, gamma, beta, eps, s)),
    tanhBnBackward: (y, dy, x, mean, variance, gamma, eps, training, s, dgamma, dbeta) =>
      p.bnBackward(p.tanhBackward(y, dy), x, mean, variance, gamma, eps, training, s, dgamma, dbeta),
    dropout,
    // saved: the LayerNorm's output
    lnGateForward: (x, gamma, beta, eps, mask, s, keep) => {
      const h = p.lnForward(x, gamma, beta, eps, { P: s.P, C: 2 * s.C });
      const y = p.gateForward(h, s);
      return { y: mask ? dropout(y, mask) : y, saved: keep ? h : null };
    },
    lnGateBackward: (dy, x, saved, gamma, eps, mask, s, dgamma, dbeta) =>
      p.lnBackward(p.gateBackward(saved, mask ? dropout(dy, mask) : dy, s), x, gamma, eps, { P: s.P, C: 2 * s.C }, dgamma, dbeta),
    zero: (arrays) => {
      for (const a of arrays) a.fill(0);
    },
    adamwUpdateAll: (tensors, h) => {
      for (const t of tensors) p.adamwUpdate(t.w, t.g, t.m, t.v, h);
    },
    headCrossEntropy: (h, w, b, target, weight, s) => {
      const logits = p.headForward(h, w, b, s);
      return { logits, ...p.crossEntropy(logits, target, weight, s) };
    },
  };
}

/** target += g, elementwise: a backend's fresh gradient, accumulated. */
export function addInto(target: Float32Array, g: ArrayLike<number>): void {
  for (let i = 0; i < g.length; i++) target[i] += g[i];
}
