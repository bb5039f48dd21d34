// Per-position LayerNorm: each position's channels normalised by their own statistics (the same in
// training and eval, and independent of the rest of the batch), then scaled and shifted.

import type { Grads, ParamSet } from '../../params.ts';
import { affineTensors, type LayerKind } from './kind.ts';
import { gradOf, PointwiseLayer, type Pass, type StepPass } from './layer.ts';

export const LN_EPS = 1e-5;

// x (P, C) → y (P, C); `{prefix}.weight|bias` (C)
export class LayerNorm extends PointwiseLayer {
  private input: Float32Array | null = null;

  constructor(
    private readonly params: ParamSet,
    private readonly prefix: string,
    readonly C: number,
  ) {
    super();
  }

  tensor(name: string): Float32Array {
    return this.params.get(`${this.prefix}.${name}`).data;
  }

  forward(x: Float32Array, pass: Pass): Float32Array {
    this.input = x;
    return pass.ops.lnForward(x, this.tensor('weight'), this.tensor('bias'), LN_EPS, { P: pass.batch.positions, C: this.C });
  }

  backward(dy: Float32Array, pass: Pass, grads: Grads): Float32Array {
    const s = { P: pass.batch.positions, C: this.C };
    return pass.ops.lnBackward(dy, this.input!, this.tensor('weight'), LN_EPS, s, ...this.paramGrads(grads));
  }

  /** Where dγ and dβ add up. */
  paramGrads(grads: Grads): [Float32Array, Float32Array] {
    return [gradOf(grads, `${this.prefix}.weight`), gradOf(grads, `${this.prefix}.bias`)];
  }

  step(x: Float32Array, pass: StepPass): Float32Array {
    return pass.ops.lnForward(x, this.tensor('weight'), this.tensor('bias'), LN_EPS, { P: pass.rows, C: this.C });
  }
}

export const layernormKind: LayerKind = {
  help: "LayerNorm over each position's channels",
  fields: {},
  size: (layer, C) => ({ cOut: C, tensors: affineTensors(layer, C) }),
  build: (layer, ctx) => new LayerNorm(ctx.params, layer.name, layer.cOut),
};
