// The conv form: a parameter set run as causal Conv1d layers over whole words, every position in one
// pass (layout: kernels/layout.ts), on any backend's ops. The network is a composition of layers
// (conv-net.ts: the lecture's hierarchical model; wavenet.ts: WaveNet).
//
// Training-mode BatchNorm normalises over the P nodes of the batch: one node per (word, position).
// The tree form's batch instead holds every window's own copy of its 2^(n−k−1) layer-k nodes, so
// nodes shared by several windows (and the all-'.' node at each word's start) count once here but
// several times there: the statistics differ, and agree in eval mode, where both use the buffers.

import type { ConvOps } from '../engine/ops.ts';
import type { Mode } from '../layers/layer.ts';
import type { Grads, ParamSet } from '../params.ts';
import type { PackedBatch } from '../data/packed-batch.ts';
import { isWaveNet, type AnyModelConfig } from '../wavenet-params.ts';
import { hierarchicalNet, type ConvNet } from './conv-net.ts';
import type { Pass } from './conv-layers/layer.ts';
import { waveNetNet } from './wavenet.ts';

export interface ConvOptions {
  /** Leave BatchNorm out of the lecture's model (as the tree form's `batchNorm: false`), for equivalence tests without it. */
  batchNorm?: boolean;
}

/** Per-pass options of {@link ConvModel.loss} and {@link ConvModel.lossAndGrad}. */
export interface LossOptions {
  /** (P) each position's weight in the loss; default 1/P each, the mean. */
  weights?: Float32Array;
  /** Seeds the dropout masks of a training pass (none: dropout off). */
  seed?: number;
}

/**
 * The conv form of a model: the lecture's hierarchical model (the same {@link ParamSet} as
 * {@link TreeModel}, whose logits it equals in eval mode) or WaveNet, run over whole words (a
 * {@link PackedBatch}) on the given ops: every position's logits in one pass, each node computed once.
 */
export class ConvModel {
  private readonly net: ConvNet;

  constructor(
    readonly params: ParamSet,
    readonly cfg: AnyModelConfig,
    readonly ops: ConvOps,
    options: ConvOptions = {},
  ) {
    this.net = isWaveNet(cfg) ? waveNetNet(params, cfg) : hierarchicalNet(params, cfg, options);
  }

  /** Batch of P positions → logits (P, V), every word's every target in one pass. */
  forward(batch: PackedBatch, mode: Mode): Float32Array {
    const { pass, top } = this.hidden(batch, mode);
    return this.net.head.logits(top, pass);
  }

  // batch → the body's output (P, H); starts a pass
  private hidden(batch: PackedBatch, mode: Mode, seed?: number) {
    this.ops.beginPass();
    const pass: Pass = { ops: this.ops, batch, mode, seed };
    return { pass, top: this.net.body.forward(this.net.embedding.forward(pass), pass) };
  }

  /** Mean cross-entropy over all targets of the batch (or weighted by `options.weights`). */
  loss(batch: PackedBatch, mode: Mode = 'eval', options: LossOptions = {}): number {
    const { pass, top } = this.hidden(batch, mode, options.seed);
    return this.net.head.loss(top, options.weights ?? meanWeights(batch.positions), pass).loss;
  }

  /** Forward, the loss as {@link loss}, and backward: gradients are added into `grads`. */
  lossAndGrad(batch: PackedBatch, mode: Mode, grads: Grads, options: LossOptions = {}): number {
    const { pass, top } = this.hidden(batch, mode, options.seed);
    const { loss, dlogits } = this.net.head.loss(top, options.weights ?? meanWeights(batch.positions), pass);
    const dx = this.net.body.backward(this.net.head.backward(dlogits, pass, grads), pass, grads);
    this.net.embedding.backward(dx, pass, grads);
    return loss;
  }
}

function meanWeights(P: number): Float32Array {
  return new Float32Array(P).fill(1 / P);
}
