// A causal Conv1d over the packed batch: K taps, dilation d, optional bias, optional weight
// normalisation (Salimans & Kingma 2016, as the TCN paper: w = g · v / ‖v‖ per output channel).
// One position on (`step`), each row keeps a queue of its last (K − 1)·d inputs (Fast WaveNet), and
// the K taps side by side are a 1-tap conv of K·Cin channels: one conv call for every row at once.

import type { ConvShape } from '../../../kernels/conv1d.ts';
import type { BatchStats, ConvOps } from '../../engine/ops.ts';
import type { Grads, ParamSet } from '../../params.ts';
import { tensorName, type LayerKind } from './kind.ts';
import { gradOf, type Addend, type ConvLayer, type Pass, type StepPass, type StepQueue } from './layer.ts';
import { WeightNorm } from './weight-norm.ts';
import { MAX_SPEC_WIDTH } from '../../spec/types.ts';

/** Where a conv's tensors are and its sizes. */
export interface ConvSpec {
  /** (K·Cin, Cout), or weight norm's v of that shape and g (Cout). */
  weight: string | { v: string; g: string };
  bias: string | null; // (Cout)
  cIn: number;
  cOut: number;
  K: number;
  dilation: number;
}

/** What a conv-led fused layer (conv-bn-tanh.ts) asks of its conv: a CausalConv, or the first one over the embedding's table (embedding-conv.ts). */
export interface ConvCore extends ConvLayer {
  /** The forward pass with the batch statistics of its output (bias-free convs: BatchNorm follows). */
  forwardStats(x: Float32Array, pass: Pass): BatchStats & { y: Float32Array };
}

// x (P, Cin) → y (P, Cout); step: x (B, Cin) → y (B, Cout)
export class CausalConv implements ConvCore {
  private input: Float32Array | null = null;
  /** The weight this pass's forward (or the generator's priming step) multiplied by: backward and later steps reuse it. */
  private used: Float32Array | null = null;
  private readonly norm: WeightNorm | null;
  private readonly queue: ConvQueue | null;

  constructor(
    private readonly params: ParamSet,
    readonly spec: ConvSpec,
  ) {
    this.norm = typeof spec.weight === 'string' ? null : new WeightNorm(params, spec.weight.v, spec.weight.g, spec.cOut);
    this.queue = spec.K > 1 ? new ConvQueue((spec.K - 1) * spec.dilation, spec.cIn) : null;
  }

  shape(P: number): ConvShape {
    const { cIn, cOut, K, dilation } = this.spec;
    return { P, cIn, cOut, K, dilation };
  }

  /** The weight the conv multiplies by now (weight norm's g · v/‖v‖, computed from v and g), kept for backward. */
  weight(ops: ConvOps): Float32Array {
    const { weight } = this.spec;
    return (this.used = typeof weight === 'string' ? this.params.get(weight).data : this.norm!.weight(ops));
  }

  get bias(): Float32Array | null {
    return this.spec.bias === null ? null : this.params.get(this.spec.bias).data;
  }

  /** Where backward adds dW and dbias (weight norm: a cleared gradient of w, which `endBackward` carries to v and g), and the weight the forward used. */
  gradTargets(ops: ConvOps, grads: Grads): { dw: Float32Array; dbias: Float32Array | null; w: Float32Array } {
    const dbias = this.spec.bias === null ? null : gradOf(grads, this.spec.bias);
    const dw = this.norm ? this.norm.clearedWeightGrad(ops) : gradOf(grads, this.spec.weight as string);
    return { dw, dbias, w: this.used! };
  }

  endBackward(grads: Grads): void {
    this.norm?.backward(grads);
  }

  forward(x: Float32Array, pass: Pass): Float32Array {
    this.input = x;
    return pass.ops.convForward(x, this.weight(pass.ops), this.bias, pass.batch.start, this.shape(pass.batch.positions));
  }

  forwardAdd(x: Float32Array, addend: Addend, pass: Pass): Float32Array {
    const a = addend();
    if (!a) return this.forward(x, pass);
    this.input = x;
    return pass.ops.convForwardAdd(x, this.weight(pass.ops), this.bias, pass.batch.start, this.shape(pass.batch.positions), a);
  }

  forwardStats(x: Float32Array, pass: Pass) {
    this.input = x;
    return pass.ops.convForwardStats(x, this.weight(pass.ops), pass.batch.start, this.shape(pass.batch.positions));
  }

  backward(dy: Float32Array, pass: Pass, grads: Grads): Float32Array {
    return this.backwardAdd(dy, null, pass, grads);
  }

  // addend: null, or what convBackwardAdd adds to dx
  backwardAdd(dy: Float32Array, addend: Float32Array | null, pass: Pass, grads: Grads): Float32Array {
    const { ops, batch } = pass;
    const s = this.shape(batch.positions);
    const { dw, dbias, w } = this.gradTargets(ops, grads);
    const x = this.input!;
    const dx = addend ? ops.convBackwardAdd(x, dy, w, batch.start, s, dw, dbias, addend) : ops.convBackward(x, dy, w, batch.start, s, dw, dbias);
    this.endBackward(grads);
    return dx;
  }

  step(x: Float32Array, pass: StepPass): Float32Array {
    const { cIn, cOut, K } = this.spec;
    const taps = this.queue ? this.queue.taps(x, pass, K, this.spec.dilation) : x;
    // the weights stay as they are while a generator steps: computed once, at its priming step
    const w = pass.priming || !this.used ? this.weight(pass.ops) : this.used;
    return pass.ops.convForward(taps, w, this.bias, pass.starts, { P: pass.rows, cIn: K * cIn, cOut, K: 1, dilation: 1 });
  }

  queues(): StepQueue[] {
    return this.queue ? [this.queue] : [];
  }
}

/** Each row's last `slots` inputs: the input `t` positions in sits at slot t mod slots. */
class ConvQueue implements StepQueue {
  private ring = new Float32Array(0);
  /** The input over an all-'.' context: what every position before a sequence holds (kernels/layout.ts). */
  private readonly dots: Float32Array;
  /** (B, K·Cin) in the ops' memory: each row's taps, earliest first, the new input last. */
  private gathered: Float32Array | null = null;

  constructor(
    private readonly slots: number,
    private readonly C: number,
  ) {
    this.dots = new Float32Array(C);
  }

  reserve(rows: number): void {
    this.ring = new Float32Array(rows * this.slots * this.C);
  }

  start(r: number): void {
    const size = this.slots * this.C;
    for (let s = 0; s < this.slots; s++) this.ring.set(this.dots, r * size + s * this.C);
  }

  move(from: number, to: number): void {
    const size = this.slots * this.C;
    this.ring.copyWithin(to * size, from * size, (from + 1) * size);
  }

  // x (B, C) → (B, K·C): taps at t − (K−1)·d, …, t − d, then t; x enters the queue
  taps(x: Float32Array, pass: StepPass, K: number, dilation: number): Float32Array {
    const { C, slots } = this;
    const width = K * C;
    if (!this.gathered || this.gathered.length < pass.rows * width) this.gathered = pass.ops.allocate(Math.max(pass.rows, 64) * width);
    const out = this.gathered;
    if (pass.priming) this.dots.set(x.subarray(0, C));
    for (let r = 0; r < pass.rows; r++) {
      const now = x.subarray(r * C, (r + 1) * C);
      const base = r * slots * C;
      const t = pass.t[r];
      for (let j = 0; j < K - 1; j++) {
        const slot = (((t - (K - 1 - j) * dilation) % slots) + slots) % slots;
        out.set(pass.priming ? now : this.ring.subarray(base + slot * C, base + (slot + 1) * C), r * width + j * C);
      }
      out.set(now, r * width + (K - 1) * C);
      if (!pass.priming) this.ring.set(now, base + (t % slots) * C);
    }
    return out.subarray(0, pass.rows * width);
  }
}

export const convKind: LayerKind = {
  help: 'causal conv: output t reads inputs t − (K−1)·d, …, t − d, t',
  fields: {
    out: { type: 'int', min: 1, max: MAX_SPEC_WIDTH, help: 'output channels' },
    kernel: { type: 'int', min: 1, max: 64, default: 1, help: 'taps K' },
    dilation: { type: 'int', min: 1, max: 4096, default: 1, help: 'positions between taps d' },
    bias: { type: 'boolean', default: true, help: 'add a learned bias' },
    weightNorm: { type: 'boolean', default: false, help: 'weight normalisation: w = g · v / ‖v‖ per output channel' },
  },
  size(layer, cIn) {
    const { out, kernel, dilation, bias, weightNorm } = layer.fields as { out: number; kernel: number; dilation: number; bias: boolean; weightNorm: boolean };
    const shape = [kernel * cIn, out];
    const fanIn = { normal: 1 / Math.sqrt(kernel * cIn) };
    const weights = weightNorm
      ? [
          { name: tensorName(layer, 'weight_v'), shape, init: fanIn },
          { name: tensorName(layer, 'weight_g'), shape: [out], init: { columnNormOf: tensorName(layer, 'weight_v') } },
        ]
      : [{ name: tensorName(layer, 'weight'), shape, init: fanIn }];
    return {
      cOut: out,
      tensors: [...weights, ...(bias ? [{ name: tensorName(layer, 'bias'), shape: [out], init: 'zeros' as const }] : [])],
      reach: (kernel - 1) * dilation,
    };
  },
  build(layer, ctx) {
    const { kernel, dilation, bias, weightNorm } = layer.fields as { kernel: number; dilation: number; bias: boolean; weightNorm: boolean };
    const weight = weightNorm ? { v: tensorName(layer, 'weight_v'), g: tensorName(layer, 'weight_g') } : tensorName(layer, 'weight');
    return new CausalConv(ctx.params, { weight, bias: bias ? tensorName(layer, 'bias') : null, cIn: layer.cIn, cOut: layer.cOut, K: kernel, dilation });
  },
};
