// Weight normalisation (Salimans & Kingma 2016), as PyTorch's weight_norm(dim = output channel):
// w[:, o] = g[o] · v[:, o] / ‖v[:, o]‖. The weights are small next to the activations, so w and the
// gradients of v and g are computed here in plain TS, once per pass, on the arrays the ops read.

import type { ConvOps } from '../../engine/ops.ts';
import type { Grads, ParamSet } from '../../params.ts';
import { gradOf } from './layer.ts';

// v (R, O), g (O) → w (R, O)
export class WeightNorm {
  private w: Float32Array | null = null;
  private dw: Float32Array | null = null;
  private readonly norms: Float64Array;

  constructor(
    private readonly params: ParamSet,
    private readonly v: string,
    private readonly g: string,
    private readonly O: number,
  ) {
    this.norms = new Float64Array(O);
  }

  /** w from the current v and g, in the ops' memory. */
  weight(ops: ConvOps): Float32Array {
    const v = this.params.get(this.v).data;
    const g = this.params.get(this.g).data;
    this.w ??= ops.allocate(v.length);
    return normedWeight(v, g, this.O, this.w, this.norms);
  }

  /** A zeroed buffer for ∂L/∂w, which the conv's backward adds into. */
  clearedWeightGrad(ops: ConvOps): Float32Array {
    this.dw ??= ops.allocate(this.params.get(this.v).data.length);
    ops.zero([this.dw]);
    return this.dw;
  }

  /** dg += ŵ·dw and dv += g/‖v‖ · (dw − ŵ (ŵ·dw)) per column, ŵ = v/‖v‖. */
  backward(grads: Grads): void {
    const v = this.params.get(this.v).data;
    const g = this.params.get(this.g).data;
    const dw = this.dw!;
    const { O, norms } = this;
    const dot = new Float64Array(O);
    for (let i = 0; i < v.length; i++) dot[i % O] += (v[i] / norms[i % O]) * dw[i];
    const dg = gradOf(grads, this.g);
    const dv = gradOf(grads, this.v);
    for (let o = 0; o < O; o++) dg[o] += dot[o];
    for (let i = 0; i < v.length; i++) {
      const o = i % O;
      dv[i] += (g[o] / norms[o]) * (dw[i] - (v[i] / norms[o]) * dot[o]);
    }
  }
}

/** g · v/‖v‖ per column of v (R, O), into `out`; `norms` gets the column norms. */
export function normedWeight(v: Float32Array, g: Float32Array, O: number, out: Float32Array = new Float32Array(v.length), norms: Float64Array = new Float64Array(O)): Float32Array {
  columnNorms(v, O, norms);
  for (let i = 0; i < v.length; i++) out[i] = (g[i % O] * v[i]) / norms[i % O];
  return out;
}

/** ‖v[:, o]‖ for each column o of v (R, O), into `out`. */
export function columnNorms(v: Float32Array, O: number, out: Float64Array = new Float64Array(O)): Float64Array {
  out.fill(0);
  for (let i = 0; i < v.length; i++) out[i % O] += v[i] * v[i];
  for (let o = 0; o < O; o++) out[o] = Math.sqrt(out[o]);
  return out;
}
