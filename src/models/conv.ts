// The conv form: the same parameters as the tree form (params.ts), run as causal Conv1d layers of
// kernel 2 and dilation 2^k over whole words, every position in one pass (layout: kernels/layout.ts).
//
//   conv.{k}.weight (2·Cin, H): rows [0, Cin) are the tap at t − 2^k, rows [Cin, 2·Cin) the tap at t —
//   exactly the lecture's Linear after FlattenConsecutive(2), whose earlier half is the earlier node.
//
// Training-mode BatchNorm normalises over the P nodes of the batch: one node per (word, position).
// The tree form's batch instead holds every window's own copy of its 2^(n−k−1) layer-k nodes, so
// nodes shared by several windows (and the all-'.' node at each word's start) count once here but
// several times there: the statistics differ, and agree in eval mode, where both use the buffers.

import type { ConvOps } from '../engine/ops.ts';
import { BN_EPS, updateRunning } from '../layers/batchnorm1d.ts';
import type { Mode } from '../layers/layer.ts';
import type { Grads, ModelConfig, ParamSet } from '../params.ts';
import type { PackedBatch } from '../data/packed-batch.ts';

const KERNEL_SIZE = 2;

export interface ConvOptions {
  /** Leave BatchNorm out (as the tree form's `batchNorm: false`), for equivalence tests without it. */
  batchNorm?: boolean;
}

interface LayerCache {
  input: Float32Array; // (P, Cin)
  preNorm: Float32Array; // (P, H) conv output
  mean: Float32Array; // (H) statistics used to normalise
  variance: Float32Array;
  output: Float32Array; // (P, H) after tanh
}

interface ForwardCache {
  batch: PackedBatch;
  mode: Mode;
  layers: LayerCache[];
}

/**
 * The conv form of the hierarchical model: the same {@link ParamSet} as {@link TreeModel}, run as
 * causal Conv1d layers over whole words (a {@link PackedBatch}) on the given ops: every position's
 * logits in one pass, each node computed once. In eval mode its logits equal the tree form's.
 */
export class ConvModel {
  private cache: ForwardCache | null = null;
  private readonly batchNorm: boolean;

  constructor(
    readonly params: ParamSet,
    readonly cfg: ModelConfig,
    readonly ops: ConvOps,
    options: ConvOptions = {},
  ) {
    this.batchNorm = options.batchNorm ?? true;
  }

  private convShape(k: number, P: number) {
    return { P, cIn: k === 0 ? this.cfg.nEmbd : this.cfg.nHidden, cOut: this.cfg.nHidden, K: KERNEL_SIZE, dilation: 2 ** k };
  }

  private headShape(P: number) {
    return { P, H: this.cfg.nHidden, V: this.cfg.vocabSize };
  }

  /** Batch of P positions → logits (P, V), every word's every target in one pass. */
  forward(batch: PackedBatch, mode: Mode): Float32Array {
    const top = this.hidden(batch, mode);
    return this.ops.headForward(top, this.params.get('head.weight').data, this.params.get('head.bias').data, this.headShape(batch.positions));
  }

  // batch → the top layer's activations (P, H); starts a pass and keeps what backward needs
  private hidden(batch: PackedBatch, mode: Mode): Float32Array {
    const { ops, params, cfg } = this;
    ops.beginPass();
    let x = ops.embeddingForward(params.get('embedding.weight').data, batch.idx, cfg.nEmbd);
    const layers: LayerCache[] = [];
    for (let k = 0; k < cfg.nLayers; k++) {
      const layer = this.layer(k, x, batch, mode);
      layers.push(layer);
      x = layer.output;
    }
    this.cache = { batch, mode, layers };
    return x;
  }

  // one conv layer: conv → BatchNorm (batch statistics in training, the running buffers in eval) → tanh
  private layer(k: number, input: Float32Array, batch: PackedBatch, mode: Mode): LayerCache {
    const { ops } = this;
    const w = this.params.get(`conv.${k}.weight`).data;
    const s = this.convShape(k, batch.positions);
    if (!this.batchNorm) {
      const preNorm = ops.convForward(input, w, null, batch.start, s);
      return { input, preNorm, mean: new Float32Array(0), variance: new Float32Array(0), output: ops.tanhForward(preNorm) };
    }
    const bn = (name: string) => this.params.get(`bn.${k}.${name}`).data;
    let preNorm: Float32Array;
    let mean = bn('running_mean');
    let variance = bn('running_var');
    if (mode === 'train') {
      ({ y: preNorm, mean, variance } = ops.convForwardStats(input, w, batch.start, s));
      updateRunning(bn('running_mean'), mean);
      updateRunning(bn('running_var'), variance);
    } else {
      preNorm = ops.convForward(input, w, null, batch.start, s);
    }
    const output = ops.bnTanhForward(preNorm, mean, variance, bn('weight'), bn('bias'), BN_EPS, { P: s.P, C: s.cOut });
    return { input, preNorm, mean, variance, output };
  }

  /** Mean cross-entropy over all targets of the batch. */
  loss(batch: PackedBatch, mode: Mode = 'eval'): number {
    return this.crossEntropy(this.hidden(batch, mode), batch).loss;
  }

  private crossEntropy(top: Float32Array, batch: PackedBatch) {
    const P = batch.positions;
    const weight = new Float32Array(P).fill(1 / P);
    const head = this.ops.headCrossEntropy(top, this.params.get('head.weight').data, this.params.get('head.bias').data, batch.target, weight, this.headShape(P));
    let total = 0;
    for (let p = 0; p < P; p++) total += head.loss[p];
    return { loss: total, dlogits: head.dlogits };
  }

  /** Forward, mean loss over all targets, and backward: gradients are added into `grads`. */
  lossAndGrad(batch: PackedBatch, mode: Mode, grads: Grads): number {
    const { loss, dlogits } = this.crossEntropy(this.hidden(batch, mode), batch);
    this.backward(dlogits, grads);
    return loss;
  }

  private backward(dlogits: Float32Array, grads: Grads): void {
    const { ops, params, cfg } = this;
    const { batch, mode, layers } = this.cache!;
    const P = batch.positions;
    const grad = (name: string) => {
      const g = grads.get(name);
      if (!g) throw new Error(`no gradient slot for ${name}`);
      return g.data;
    };
    const top = layers[layers.length - 1].output;
    let dx = ops.headBackward(dlogits, top, params.get('head.weight').data, this.headShape(P), grad('head.weight'), grad('head.bias'));
    for (let k = cfg.nLayers - 1; k >= 0; k--) {
      const layer = layers[k];
      const dh = this.batchNorm
        ? ops.tanhBnBackward(layer.output, dx, layer.preNorm, layer.mean, layer.variance, params.get(`bn.${k}.weight`).data, BN_EPS, mode === 'train', { P, C: cfg.nHidden }, grad(`bn.${k}.weight`), grad(`bn.${k}.bias`))
        : ops.tanhBackward(layer.output, dx);
      dx = ops.convBackward(layer.input, dh, params.get(`conv.${k}.weight`).data, batch.start, this.convShape(k, P), grad(`conv.${k}.weight`));
    }
    ops.embeddingBackward(dx, batch.idx, cfg.nEmbd, grad('embedding.weight'));
  }
}
