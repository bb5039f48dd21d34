// A causal Conv1d over the packed batch: K taps, dilation d, optional bias. A 1×1 conv is K = 1.

import type { ConvShape } from '../../../kernels/conv1d.ts';
import type { Grads, ParamSet } from '../../params.ts';
import { gradOf, type ConvLayer, type Pass } from './layer.ts';

/** Where a conv's tensors are and its sizes. */
export interface ConvSpec {
  weight: string; // (K·Cin, Cout)
  bias: string | null; // (Cout)
  cIn: number;
  cOut: number;
  K: number;
  dilation: number;
}

// x (P, Cin) → y (P, Cout)
export class CausalConv implements ConvLayer {
  private input: Float32Array | null = null;

  constructor(
    private readonly params: ParamSet,
    readonly spec: ConvSpec,
  ) {}

  shape(P: number): ConvShape {
    const { cIn, cOut, K, dilation } = this.spec;
    return { P, cIn, cOut, K, dilation };
  }

  get weight(): Float32Array {
    return this.params.get(this.spec.weight).data;
  }

  private get bias(): Float32Array | null {
    return this.spec.bias === null ? null : this.params.get(this.spec.bias).data;
  }

  forward(x: Float32Array, pass: Pass): Float32Array {
    this.input = x;
    return pass.ops.convForward(x, this.weight, this.bias, pass.batch.start, this.shape(pass.batch.positions));
  }

  /** The forward pass with the batch statistics of its output (bias-free convs: BatchNorm follows). */
  forwardStats(x: Float32Array, pass: Pass) {
    this.input = x;
    return pass.ops.convForwardStats(x, this.weight, pass.batch.start, this.shape(pass.batch.positions));
  }

  backward(dy: Float32Array, pass: Pass, grads: Grads): Float32Array {
    const { ops, batch } = pass;
    const s = this.shape(batch.positions);
    const dbias = this.spec.bias === null ? null : gradOf(grads, this.spec.bias);
    return ops.convBackward(this.input!, dy, this.weight, batch.start, s, gradOf(grads, this.spec.weight), dbias);
  }
}

/** A 1×1 conv with bias: `{prefix}.weight` (Cin, Cout), `{prefix}.bias` (Cout). */
export function conv1x1(params: ParamSet, prefix: string, cIn: number, cOut: number): CausalConv {
  return new CausalConv(params, { weight: `${prefix}.weight`, bias: `${prefix}.bias`, cIn, cOut, K: 1, dilation: 1 });
}
