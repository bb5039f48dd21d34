// The conv form: a spec's stack run as causal Conv1d layers over whole words, every position in one
// pass (layout: kernels/layout.ts), on any backend's ops.
//
// Training-mode BatchNorm normalises over the P nodes of the batch: one node per (word, position).
// The lecture's tree form's batch instead holds every window's own copy of its 2^(n−k−1) layer-k
// nodes, so nodes shared by several windows (and the all-'.' node at each word's start) count once
// here but several times there: the statistics differ, and agree in eval mode, where both use the
// buffers.

import type { ConvOps } from '../engine/ops.ts';
import type { Mode } from '../layers/layer.ts';
import type { Grads, ParamSet } from '../params.ts';
import type { PackedBatch } from '../data/packed-batch.ts';
import type { ResolvedSpec } from '../spec/resolve.ts';
import type { Pass } from './conv-layers/layer.ts';
import { buildNet, type ConvNet } from './build.ts';

/** Per-pass options of {@link ConvModel.loss} and {@link ConvModel.lossAndGrad}. */
export interface LossOptions {
  /** (P) each position's weight in the loss; default 1/P each, the mean. */
  weights?: Float32Array;
  /** Seeds the dropout masks of a training pass (none: dropout off). */
  seed?: number;
  /** Label smoothing X (default 0): the loss is the cross-entropy against (1 − X)·onehot + X/V. */
  labelSmoothing?: number;
}

/**
 * A spec's model run over whole words (a {@link PackedBatch}) on the given ops: every position's
 * logits in one pass, each node computed once. For the lecture preset it reads the same
 * {@link ParamSet} as the tree form, whose logits it equals in eval mode.
 */
export class ConvModel {
  private readonly net: ConvNet;

  constructor(
    readonly params: ParamSet,
    readonly spec: ResolvedSpec,
    readonly ops: ConvOps,
  ) {
    this.net = buildNet(spec, params);
  }

  /** Batch of P positions → logits (P, V), every word's every target in one pass. */
  forward(batch: PackedBatch, mode: Mode): Float32Array {
    const { pass, top } = this.hidden(batch, mode);
    return this.net.head.logits(top, pass);
  }

  // batch → the body's output (P, H); starts a pass
  private hidden(batch: PackedBatch, mode: Mode, seed?: number) {
    this.ops.beginPass();
    const pass: Pass = { ops: this.ops, batch, mode, seed, skips: [], skipGrad: null };
    return { pass, top: this.net.body.forward(this.net.embedding.forward(pass), pass) };
  }

  /** Mean cross-entropy over all targets of the batch (or weighted by `options.weights`). */
  loss(batch: PackedBatch, mode: Mode = 'eval', options: LossOptions = {}): number {
    const { pass, top } = this.hidden(batch, mode, options.seed);
    return this.net.head.loss(top, options.weights ?? meanWeights(batch.positions), pass, options.labelSmoothing).loss;
  }

  /** Forward, the loss as {@link loss}, and backward: gradients are added into `grads`. */
  lossAndGrad(batch: PackedBatch, mode: Mode, grads: Grads, options: LossOptions = {}): number {
    const { pass, top } = this.hidden(batch, mode, options.seed);
    const { loss, dlogits } = this.net.head.loss(top, options.weights ?? meanWeights(batch.positions), pass, options.labelSmoothing);
    const dx = this.net.body.backward(this.net.head.backward(dlogits, pass, grads), pass, grads);
    this.net.embedding.backward(dx, pass, grads);
    return loss;
  }
}

function meanWeights(P: number): Float32Array {
  return new Float32Array(P).fill(1 / P);
}
