// The tree form: the lecture's per-example models, built from layers/ over a ParamSet.
// It is the reference the conv engine is proven against, so it shares no code with kernels/.

import { Sequential } from '../layers/sequential.ts';
import { Embedding } from '../layers/embedding.ts';
import { FlattenConsecutive } from '../layers/flatten-consecutive.ts';
import { Linear } from '../layers/linear.ts';
import { BatchNorm1d } from '../layers/batchnorm1d.ts';
import { Tanh } from '../layers/tanh.ts';
import { crossEntropy } from '../layers/cross-entropy.ts';
import type { Layer, Mode } from '../layers/layer.ts';
import { blockSize, kernelOf, type FlatConfig, type Grads, type ModelConfig, type ParamSet } from '../params.ts';
import { tensor, type Tensor } from '../tensor.ts';

/** Embedding → n × [FlattenConsecutive(kernel, default 2), Linear(no bias), BatchNorm1d, Tanh] → Linear. */
export function hierarchicalLayers(params: ParamSet, cfg: ModelConfig, { batchNorm = true } = {}): Sequential {
  const layers: Layer[] = [new Embedding(params)];
  for (let k = 0; k < cfg.nLayers; k++) {
    layers.push(new FlattenConsecutive(kernelOf(cfg)), new Linear(params, `conv.${k}.weight`));
    if (batchNorm) layers.push(new BatchNorm1d(params, `bn.${k}`));
    layers.push(new Tanh());
  }
  layers.push(new Linear(params, 'head.weight', 'head.bias'));
  return new Sequential(layers);
}

/** Embedding → FlattenConsecutive(block) → Linear → [BatchNorm1d] → Tanh → Linear: the lecture's flat MLPs. */
export function flatLayers(params: ParamSet, cfg: FlatConfig): Sequential {
  const hidden = cfg.batchNorm
    ? [new Linear(params, 'hidden.weight'), new BatchNorm1d(params, 'bn')]
    : [new Linear(params, 'hidden.weight', 'hidden.bias')];
  return new Sequential([
    new Embedding(params),
    new FlattenConsecutive(cfg.blockSize),
    ...hidden,
    new Tanh(),
    new Linear(params, 'head.weight', 'head.bias'),
  ]);
}

/** A window model: (B, blockSize) contexts → (B, V) logits, with its loss and backward. */
export class TreeModel {
  readonly net: Sequential;
  readonly blockSize: number;

  constructor(
    readonly params: ParamSet,
    net: Sequential,
    block: number,
  ) {
    this.net = net;
    this.blockSize = block;
  }

  /** The lecture's WaveNet-like model over `params` (from {@link initHierarchical} or a checkpoint). */
  static hierarchical(params: ParamSet, cfg: ModelConfig, options: { batchNorm?: boolean } = {}): TreeModel {
    return new TreeModel(params, hierarchicalLayers(params, cfg, options), blockSize(cfg));
  }

  /** The lecture's earlier flat MLP over the whole block (parts 2–4). */
  static flat(params: ParamSet, cfg: FlatConfig): TreeModel {
    return new TreeModel(params, flatLayers(params, cfg), cfg.blockSize);
  }

  /** x (B, blockSize) character indices → logits (B, V). */
  forward(x: ArrayLike<number>, mode: Mode): Tensor {
    const rows = x.length / this.blockSize;
    return this.net.forward(tensor([rows, this.blockSize], x), mode);
  }

  /** Forward, mean cross-entropy (with label smoothing `smoothing`, default 0), and backward into `grads` (added to what is there). */
  lossAndGrad(x: ArrayLike<number>, y: ArrayLike<number>, mode: Mode, grads: Grads, smoothing = 0): { loss: number; logits: Tensor } {
    const logits = this.forward(x, mode);
    const { loss, dlogits } = crossEntropy(logits, y, smoothing);
    this.net.backward(dlogits, grads);
    return { loss, logits };
  }

  /** Mean cross-entropy of the windows `x` (B, blockSize) against the next characters `y` (B). */
  loss(x: ArrayLike<number>, y: ArrayLike<number>, mode: Mode = 'eval'): number {
    return crossEntropy(this.forward(x, mode), y).loss;
  }
}
