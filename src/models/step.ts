// A spec's model one position at a time (Fast WaveNet, Paine et al. 2016): B sequences advance by
// one character each, every layer's step for all rows in one call of the ops. Each conv keeps a
// queue of its past inputs per row, which starts full of the value every position before a
// sequence has — its input over an all-'.' context (kernels/layout.ts) — so a sequence's first
// character sees exactly the '.'-padded context that the one-pass conv form gives it.

import type { ConvOps } from '../engine/ops.ts';
import type { ParamSet } from '../params.ts';
import type { ResolvedSpec } from '../spec/resolve.ts';
import type { StepPass, StepQueue } from './conv-layers/layer.ts';
import { buildNet, type ConvNet } from './build.ts';

/** Up to `rows` sequences in flight; row r's state is its layers' queues. */
export class StepModel {
  private readonly net: ConvNet;
  private readonly queues: StepQueue[];
  private readonly starts: Int32Array;

  /** The parameters move into the ops' memory (their values unchanged), where the ops read them in place. */
  constructor(
    params: ParamSet,
    readonly spec: ResolvedSpec,
    private readonly ops: ConvOps,
    readonly rows: number,
  ) {
    if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, got ${rows}`);
    params.moveTo(ops.allocate);
    this.net = buildNet(spec, params);
    this.queues = this.net.body.queues();
    for (const q of this.queues) q.reserve(rows);
    this.starts = Int32Array.from({ length: rows }, (_, r) => r);
    // one step over an all-'.' context: each queue learns its input there
    this.run(new Int32Array(1), new Int32Array(1), true);
  }

  /** Row r starts a new sequence. */
  start(r: number): void {
    for (const q of this.queues) q.start(r);
  }

  /** Row `from`'s sequence moves to row `to`. */
  move(from: number, to: number): void {
    for (const q of this.queues) q.move(from, to);
  }

  /** chars (A) fed to rows 0 … A−1, row r at position t[r] → logits (A, V), valid until the next step. */
  step(chars: Int32Array, t: Int32Array): Float32Array {
    return this.run(chars, t, false);
  }

  private run(chars: Int32Array, t: Int32Array, priming: boolean): Float32Array {
    const A = chars.length;
    if (A > this.rows) throw new RangeError(`${A} rows, over the ${this.rows} reserved`);
    this.ops.beginPass();
    const pass: StepPass = { ops: this.ops, rows: A, t, starts: this.starts.subarray(0, A), priming, skips: [] };
    const top = this.net.body.step(this.net.embedding.step(chars, pass), pass);
    return this.net.head.step(top, pass);
  }
}
