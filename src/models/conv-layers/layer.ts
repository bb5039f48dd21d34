// The conv form's layers, each written once in three forms over ConvOps (layout: kernels/layout.ts):
// `forward` over a whole packed batch (every position of every word, one pass) keeps what `backward`
// needs; `backward` adds parameter gradients into `grads` (+=) and returns the input's gradient;
// `step` advances B sequences by one position (Fast WaveNet: a conv keeps a queue of its past inputs).
// A layer kind (kind.ts) says how a spec's layer of that type is checked, sized and built.

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
  /** The skip connections' outputs since the last skip sum, summed as they come (forward: one array), and the sum's gradient (backward). */
  skips: Float32Array[];
  skipGrad: Float32Array | null;
}

/** What every layer of one generation step shares: B rows, row r at position t[r] of its sequence. */
export interface StepPass {
  readonly ops: ConvOps;
  readonly rows: number;
  /** (B) each row's position: how many characters it has been fed before this one. */
  readonly t: Int32Array;
  /** (B) 0, 1, …, B − 1: every row a sequence of its own, for ops that take word starts. */
  readonly starts: Int32Array;
  /** The step that fills every queue with its input over an all-'.' context (one row). */
  readonly priming: boolean;
  skips: Float32Array[];
}

/** One layer: (P, Cin) → (P, Cout) and back; (B, Cin) → (B, Cout) one position on. */
export interface ConvLayer {
  forward(x: Float32Array, pass: Pass): Float32Array;
  backward(dy: Float32Array, pass: Pass, grads: Grads): Float32Array;
  step(x: Float32Array, pass: StepPass): Float32Array;
  /** The queues of past inputs the layer (and those inside it) keep for `step`. */
  queues(): StepQueue[];
  /** forward(x) + addend(), added where the layer's last op stores its output (a conv's does): see forwardAdd. */
  forwardAdd?(x: Float32Array, addend: Addend, pass: Pass): Float32Array;
  /** backward(dy) + addend, likewise where the layer's last op of the backward stores dx. */
  backwardAdd?(dy: Float32Array, addend: Float32Array, pass: Pass, grads: Grads): Float32Array;
}

/**
 * What forwardAdd adds, asked for just before the last op runs, when every earlier op of the layer
 * has: a running skip sum is only known then (a skip sum inside the layer may have taken it). Null:
 * nothing to add.
 */
export type Addend = () => Float32Array | null;

/**
 * layer.forward(x) + addend(): a residual's input or a running skip sum, added by the layer's last op
 * where it can (no separate pass over the output), else by ops.add; the same values either way.
 */
export function forwardAdd(layer: ConvLayer, x: Float32Array, addend: Addend, pass: Pass): Float32Array {
  if (layer.forwardAdd) return layer.forwardAdd(x, addend, pass);
  const y = layer.forward(x, pass);
  const a = addend();
  return a ? pass.ops.add(y, a) : y;
}

/** layer.backward(dy) + addend (the gradient that went around it), as forwardAdd. */
export function backwardAdd(layer: ConvLayer, dy: Float32Array, addend: Float32Array, pass: Pass, grads: Grads): Float32Array {
  return layer.backwardAdd ? layer.backwardAdd(dy, addend, pass, grads) : pass.ops.add(layer.backward(dy, pass, grads), addend);
}

/** A conv's per-row queue of its past inputs, for the generator to start and move rows. */
export interface StepQueue {
  /** Room for `rows` sequences. */
  reserve(rows: number): void;
  /** Row r starts a new sequence: its past is all '.'. */
  start(r: number): void;
  /** Row `from`'s queue moves to row `to`. */
  move(from: number, to: number): void;
}

/** The gradient buffer of parameter `name` (an error if the caller gave none). */
export function gradOf(grads: Grads, name: string): Float32Array {
  const g = grads.get(name);
  if (!g) throw new Error(`no gradient slot for ${name}`);
  return g.data;
}

/** A layer that keeps no queue and does the same at one position as over the whole batch. */
export abstract class PointwiseLayer implements ConvLayer {
  abstract forward(x: Float32Array, pass: Pass): Float32Array;
  abstract backward(dy: Float32Array, pass: Pass, grads: Grads): Float32Array;
  abstract step(x: Float32Array, pass: StepPass): Float32Array;

  queues(): StepQueue[] {
    return [];
  }
}
