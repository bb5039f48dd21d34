// BatchNorm over the packed batch's P nodes (training: the batch's statistics, which also move the
// running buffers; eval and generation: the buffers), as the lecture's BatchNorm1d over its
// flattened nodes.

import type { BatchStats } from '../../engine/ops.ts';
import { BN_EPS, updateRunning } from '../../layers/batchnorm1d.ts';
import type { Grads, ParamSet } from '../../params.ts';
import { affineTensors, tensorName, type LayerKind } from './kind.ts';
import { gradOf, PointwiseLayer, type Pass, type StepPass } from './layer.ts';

// x (P, C) → y (P, C); `{prefix}.weight|bias|running_mean|running_var` (C)
export class BatchNorm extends PointwiseLayer {
  private input: Float32Array | null = null;
  private stats: BatchStats | null = null;

  constructor(
    private readonly params: ParamSet,
    readonly prefix: string,
    readonly C: number,
  ) {
    super();
  }

  tensor(name: string): Float32Array {
    return this.params.get(`${this.prefix}.${name}`).data;
  }

  /** The statistics to normalise `x` with: `batch` (the batch's own, in training) or the running buffers. */
  useStats(x: Float32Array, pass: Pass, batch: BatchStats | null): BatchStats {
    this.input = x;
    if (pass.mode === 'train' && batch) {
      updateRunning(this.tensor('running_mean'), batch.mean);
      updateRunning(this.tensor('running_var'), batch.variance);
      this.stats = batch;
    } else {
      this.stats = this.running();
    }
    return this.stats;
  }

  private running(): BatchStats {
    return { mean: this.tensor('running_mean'), variance: this.tensor('running_var') };
  }

  forward(x: Float32Array, pass: Pass): Float32Array {
    const s = { P: pass.batch.positions, C: this.C };
    const { mean, variance } = this.useStats(x, pass, pass.mode === 'train' ? pass.ops.bnStats(x, s) : null);
    return pass.ops.bnForward(x, mean, variance, this.tensor('weight'), this.tensor('bias'), BN_EPS, s);
  }

  backward(dy: Float32Array, pass: Pass, grads: Grads): Float32Array {
    const { mean, variance } = this.stats!;
    const s = { P: pass.batch.positions, C: this.C };
    return pass.ops.bnBackward(dy, this.input!, mean, variance, this.tensor('weight'), BN_EPS, pass.mode === 'train', s, ...this.paramGrads(grads));
  }

  step(x: Float32Array, pass: StepPass): Float32Array {
    const { mean, variance } = this.running();
    return pass.ops.bnForward(x, mean, variance, this.tensor('weight'), this.tensor('bias'), BN_EPS, { P: pass.rows, C: this.C });
  }

  /** dγ, dβ buffers. */
  paramGrads(grads: Grads): [Float32Array, Float32Array] {
    return [gradOf(grads, `${this.prefix}.weight`), gradOf(grads, `${this.prefix}.bias`)];
  }

  /** What backward reads: the input and the statistics it was normalised with. */
  saved(): { input: Float32Array } & BatchStats {
    return { input: this.input!, ...this.stats! };
  }
}

export const batchnormKind: LayerKind = {
  help: "BatchNorm over the batch's positions (running statistics in eval and generation)",
  fields: {},
  size: (layer, C) => ({
    cOut: C,
    tensors: [
      ...affineTensors(layer, C),
      { name: tensorName(layer, 'running_mean'), shape: [C], init: 'zeros', buffer: true },
      { name: tensorName(layer, 'running_var'), shape: [C], init: 'ones', buffer: true },
    ],
  }),
  build: (layer, ctx) => new BatchNorm(ctx.params, layer.name, layer.cOut),
};
