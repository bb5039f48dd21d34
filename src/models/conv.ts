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
  logits: Float32Array; // (P, V)
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

  /** Batch of P positions → logits (P, V), every word's every target in one pass. */
  forward(batch: PackedBatch, mode: Mode): Float32Array {
    const { ops, params, cfg } = this;
    const P = batch.positions;
    let x = ops.embeddingForward(params.get('embedding.weight').data, batch.idx, cfg.nEmbd);
    const layers: LayerCache[] = [];
    for (let k = 0; k < cfg.nLayers; k++) {
      const preNorm = ops.convForward(x, params.get(`conv.${k}.weight`).data, null, batch.start, this.convShape(k, P));
      const { mean, variance, normed } = this.normalise(k, preNorm, P, mode);
      const output = ops.tanhForward(normed);
      layers.push({ input: x, preNorm, mean, variance, output });
      x = output;
    }
    const logits = ops.headForward(x, params.get('head.weight').data, params.get('head.bias').data, { P, H: cfg.nHidden, V: cfg.vocabSize });
    this.cache = { batch, mode, layers, logits };
    return logits;
  }

  private normalise(k: number, h: Float32Array, P: number, mode: Mode) {
    if (!this.batchNorm) return { mean: new Float32Array(0), variance: new Float32Array(0), normed: h };
    const bn = (s: string) => this.params.get(`bn.${k}.${s}`).data;
    let mean = bn('running_mean');
    let variance = bn('running_var');
    if (mode === 'train') {
      ({ mean, variance } = this.ops.bnStats(h, { P, C: this.cfg.nHidden }));
      updateRunning(bn('running_mean'), mean);
      updateRunning(bn('running_var'), variance);
    }
    return { mean, variance, normed: this.ops.bnForward(h, mean, variance, bn('weight'), bn('bias'), BN_EPS, { P, C: this.cfg.nHidden }) };
  }

  /** Mean cross-entropy over all targets of the batch. */
  loss(batch: PackedBatch, mode: Mode = 'eval'): number {
    return this.crossEntropy(this.forward(batch, mode), batch).loss;
  }

  private crossEntropy(logits: Float32Array, batch: PackedBatch) {
    const P = batch.positions;
    const weight = new Float32Array(P).fill(1 / P);
    const { loss, dlogits } = this.ops.crossEntropy(logits, batch.target, weight, { P, H: this.cfg.nHidden, V: this.cfg.vocabSize });
    let total = 0;
    for (let p = 0; p < P; p++) total += loss[p];
    return { loss: total, dlogits };
  }

  /** Forward, mean loss over all targets, and backward: gradients are added into `grads`. */
  lossAndGrad(batch: PackedBatch, mode: Mode, grads: Grads): number {
    const logits = this.forward(batch, mode);
    const { loss, dlogits } = this.crossEntropy(logits, batch);
    this.backward(dlogits, grads);
    return loss;
  }

  private backward(dlogits: Float32Array, grads: Grads): void {
    const { ops, params, cfg } = this;
    const { batch, mode, layers } = this.cache!;
    const P = batch.positions;
    const top = layers[layers.length - 1].output;
    const head = ops.headBackward(dlogits, top, params.get('head.weight').data, { P, H: cfg.nHidden, V: cfg.vocabSize });
    accumulate(grads, 'head.weight', head.dw);
    accumulate(grads, 'head.bias', head.db);
    let dx = head.dh;
    for (let k = cfg.nLayers - 1; k >= 0; k--) {
      const layer = layers[k];
      let dh = ops.tanhBackward(layer.output, dx);
      if (this.batchNorm) {
        const gamma = params.get(`bn.${k}.weight`).data;
        const bn = ops.bnBackward(dh, layer.preNorm, layer.mean, layer.variance, gamma, BN_EPS, mode === 'train', { P, C: cfg.nHidden });
        accumulate(grads, `bn.${k}.weight`, bn.dgamma);
        accumulate(grads, `bn.${k}.bias`, bn.dbeta);
        dh = bn.dx;
      }
      const conv = ops.convBackward(layer.input, dh, params.get(`conv.${k}.weight`).data, batch.start, this.convShape(k, P));
      accumulate(grads, `conv.${k}.weight`, conv.dw);
      dx = conv.dx;
    }
    accumulate(grads, 'embedding.weight', ops.embeddingBackward(dx, batch.idx, cfg.vocabSize, cfg.nEmbd));
  }
}

function accumulate(grads: Grads, name: string, g: Float32Array): void {
  const target = grads.get(name);
  if (!target) throw new Error(`no gradient slot for ${name}`);
  for (let i = 0; i < g.length; i++) target.data[i] += g[i];
}
