// WaveNet's gated activation unit (van den Oord et al. 2016, §2.3) over a packed batch: the
// dilated conv's 2·C channels are a filter half and a gate half, y = tanh(filter) ⊙ σ(gate).

import { paddedRows } from './layout.ts';
import type { KernelSpec, KernelThis } from './spec.ts';

export interface GateShape {
  P: number;
  C: number; // output channels; the input has 2·C
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

// x (P, 2C): columns [0, C) filter, [C, 2C) gate → y (P, C)
export function gateForwardRef(x: Float32Array, s: GateShape): Float32Array {
  const y = new Float32Array(s.P * s.C);
  for (let p = 0; p < s.P; p++) {
    for (let c = 0; c < s.C; c++) y[p * s.C + c] = Math.tanh(x[p * 2 * s.C + c]) * sigmoid(x[p * 2 * s.C + s.C + c]);
  }
  return y;
}

// x (P, 2C), dy (P, C) → dx (P, 2C): d filter = dy·σ(g)·(1 − tanh²(f)), d gate = dy·tanh(f)·σ(g)·(1 − σ(g))
export function gateBackwardRef(x: Float32Array, dy: Float32Array, s: GateShape): Float32Array {
  const dx = new Float32Array(s.P * 2 * s.C);
  for (let p = 0; p < s.P; p++) {
    for (let c = 0; c < s.C; c++) {
      const f = p * 2 * s.C + c;
      const t = Math.tanh(x[f]);
      const g = sigmoid(x[f + s.C]);
      const d = dy[p * s.C + c];
      dx[f] = d * g * (1 - t * t);
      dx[f + s.C] = d * t * g * (1 - g);
    }
  }
  return dx;
}

// gpu.js kernels, one thread per output element, over paddedRows(P) rows (layout.ts). tanh as
// 1 − 2/(e^{2v} + 1): gpu.js has no tanh on every backend, and this saturates cleanly at ±1.

export type GateConstants = { C: number };

// x (R, 2C) → y (R, C)
export function gateForwardKernel(this: KernelThis<GateConstants>, x: Float32Array): number {
  const f = x[this.thread.y * 2 * this.constants.C + this.thread.x];
  const g = x[this.thread.y * 2 * this.constants.C + this.constants.C + this.thread.x];
  return (1 - 2 / (Math.exp(2 * f) + 1)) / (1 + Math.exp(-g));
}

// x (R, 2C), dy (R, C) → dx (R, 2C): cell (j, p) is the filter's gradient for j < C, else the gate's
export function gateBackwardKernel(this: KernelThis<GateConstants>, x: Float32Array, dy: Float32Array): number {
  const C = this.constants.C;
  let c = this.thread.x;
  if (c >= C) c = c - C;
  const t = 1 - 2 / (Math.exp(2 * x[this.thread.y * 2 * C + c]) + 1);
  const g = 1 / (1 + Math.exp(-x[this.thread.y * 2 * C + C + c]));
  const d = dy[this.thread.y * C + c];
  let result = d * g * (1 - t * t);
  if (this.thread.x >= C) result = d * t * g * (1 - g);
  return result;
}

export function gateForwardSpec(s: GateShape): KernelSpec<GateConstants> {
  return { source: gateForwardKernel, constants: { C: s.C }, output: [s.C, paddedRows(s.P)] };
}

export function gateBackwardSpec(s: GateShape): KernelSpec<GateConstants> {
  return { source: gateBackwardKernel, constants: { C: s.C }, output: [2 * s.C, paddedRows(s.P)] };
}
