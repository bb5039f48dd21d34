// The conv form's layers: forward/backward pairs over ConvOps on a whole packed batch (layout:
// kernels/layout.ts). `forward` keeps what `backward` needs; `backward` adds parameter gradients
// into `grads` (+=) and returns the input's gradient. A layer instance runs once per pass.

import type { ConvOps } from '../../engine/ops.ts';
import type { Mode } from '../../layers/layer.ts';
import type { PackedBatch } from '../../data/packed-batch.ts';
import type { Grads } from '../../params.ts';

/** What every layer of one forward/backward pass shares. */
export interface Pass {
  readonly ops: ConvOps;
  readonly batch: PackedBatch;
  readonly mode: Mode;
  /** Seeds the dropout masks of a training pass; without it dropout is off. */
  readonly seed?: number;
}

/** One layer: (P, Cin) → (P, Cout) and back. */
export interface ConvLayer {
  forward(x: Float32Array, pass: Pass): Float32Array;
  backward(dy: Float32Array, pass: Pass, grads: Grads): Float32Array;
}

/** The gradient buffer of parameter `name` (an error if the caller gave none). */
export function gradOf(grads: Grads, name: string): Float32Array {
  const g = grads.get(name);
  if (!g) throw new Error(`no gradient slot for ${name}`);
  return g.data;
}
