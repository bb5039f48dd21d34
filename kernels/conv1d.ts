// Causal dilated Conv1d over a packed batch (layout.ts): forward, backward to input, to weight and bias.

import { tapPosition } from './layout.ts';
import type { KernelSpec, KernelThis } from './spec.ts';

export interface ConvShape {
  P: number;
  cIn: number;
  cOut: number;
  K: number;
  dilation: number;
}

// x (P, Cin), w (K·Cin, Cout), bias (Cout) | null → y (P, Cout)
export function convForwardRef(x: Float32Array, w: Float32Array, bias: Float32Array | null, start: Int32Array, s: ConvShape): Float32Array {
  const y = new Float32Array(s.P * s.cOut);
  for (let p = 0; p < s.P; p++) {
    for (let o = 0; o < s.cOut; o++) {
      let acc = bias ? bias[o] : 0;
      for (let j = 0; j < s.K; j++) {
        const q = tapPosition(p, j, s.K, s.dilation, start);
        for (let c = 0; c < s.cIn; c++) acc += x[q * s.cIn + c] * w[(j * s.cIn + c) * s.cOut + o];
      }
      y[p * s.cOut + o] = acc;
    }
  }
  return y;
}

// dy (P, Cout), w (K·Cin, Cout) → dx (P, Cin): each output scatters back to the positions its taps read
export function convBackwardInputRef(dy: Float32Array, w: Float32Array, start: Int32Array, s: ConvShape): Float32Array {
  const dx = new Float32Array(s.P * s.cIn);
  for (let p = 0; p < s.P; p++) {
    for (let j = 0; j < s.K; j++) {
      const q = tapPosition(p, j, s.K, s.dilation, start);
      for (let c = 0; c < s.cIn; c++) {
        let acc = 0;
        for (let o = 0; o < s.cOut; o++) acc += w[(j * s.cIn + c) * s.cOut + o] * dy[p * s.cOut + o];
        dx[q * s.cIn + c] += acc;
      }
    }
  }
  return dx;
}

// x (P, Cin), dy (P, Cout) → dw (K·Cin, Cout), dbias (Cout)
export function convBackwardWeightRef(x: Float32Array, dy: Float32Array, start: Int32Array, s: ConvShape): { dw: Float32Array; dbias: Float32Array } {
  const dw = new Float32Array(s.K * s.cIn * s.cOut);
  const dbias = new Float32Array(s.cOut);
  for (let p = 0; p < s.P; p++) {
    for (let o = 0; o < s.cOut; o++) dbias[o] += dy[p * s.cOut + o];
    for (let j = 0; j < s.K; j++) {
      const q = tapPosition(p, j, s.K, s.dilation, start);
      for (let c = 0; c < s.cIn; c++) {
        const xv = x[q * s.cIn + c];
        for (let o = 0; o < s.cOut; o++) dw[(j * s.cIn + c) * s.cOut + o] += xv * dy[p * s.cOut + o];
      }
    }
  }
  return { dw, dbias };
}

// gpu.js kernels: one thread per output element, gathering what the references scatter.
// Output sizes are gpu.js order (fastest axis first), so [Cout, P] is the (P, Cout) layout.

/** The sizes baked into the conv kernels; `field` = (K−1)·d + 1, the span one tap set covers. */
export type ConvConstants = { cIn: number; cOut: number; K: number; dilation: number; field: number };

function convConstants(s: ConvShape): ConvConstants {
  return { cIn: s.cIn, cOut: s.cOut, K: s.K, dilation: s.dilation, field: (s.K - 1) * s.dilation + 1 };
}

// x (P, Cin), w (K·Cin, Cout), bias (Cout), start (P) → y (P, Cout)
export function convForwardKernel(this: KernelThis<ConvConstants>, x: Float32Array, w: Float32Array, bias: Float32Array, start: Int32Array): number {
  const p = this.thread.y;
  const o = this.thread.x;
  let acc = bias[o];
  for (let j = 0; j < this.constants.K; j++) {
    const q = Math.max(p - (this.constants.K - 1 - j) * this.constants.dilation, start[p]);
    for (let c = 0; c < this.constants.cIn; c++) {
      acc += x[q * this.constants.cIn + c] * w[(j * this.constants.cIn + c) * this.constants.cOut + o];
    }
  }
  return acc;
}

// dy (P, Cout), w (K·Cin, Cout), start (P) → dx (P, Cin)
// Position s gets tap j of output p exactly when max(p − off, start[p]) = s, off = (K−1−j)·d:
// p = s + off in s's word, and, when s is its word's first position, also every p of the word
// with p − off < s (the taps clamped onto it). Both sets together: p ∈ [lo, s + off] within the
// word, lo = s for a first position and s + off otherwise. Words are contiguous and p ≥ s, so
// "within the word" is start[p] = start[s], and the walk stops at the first p that fails it.
export function convBackwardInputKernel(this: KernelThis<ConvConstants>, dy: Float32Array, w: Float32Array, start: Int32Array): number {
  const s = this.thread.y;
  const c = this.thread.x;
  const first = start[s];
  let acc = 0;
  for (let j = 0; j < this.constants.K; j++) {
    const hi = s + (this.constants.K - 1 - j) * this.constants.dilation;
    let p = hi;
    if (s === first) p = s;
    // at most `field` positions: a constant bound, as GL backends need
    for (let t = 0; t < this.constants.field; t++) {
      if (p > hi || p >= this.output.y) break;
      if (start[p] !== first) break;
      for (let o = 0; o < this.constants.cOut; o++) {
        acc += w[(j * this.constants.cIn + c) * this.constants.cOut + o] * dy[p * this.constants.cOut + o];
      }
      p++;
    }
  }
  return acc;
}

// x (P, Cin), dy (P, Cout), start (P), P → dw (K·Cin, Cout) as output [Cout, Cin, K]
export function convBackwardWeightKernel(this: KernelThis<ConvConstants>, x: Float32Array, dy: Float32Array, start: Int32Array, positions: number): number {
  const o = this.thread.x;
  const c = this.thread.y;
  const off = (this.constants.K - 1 - this.thread.z) * this.constants.dilation;
  let acc = 0;
  for (let p = 0; p < positions; p++) {
    const q = Math.max(p - off, start[p]);
    acc += x[q * this.constants.cIn + c] * dy[p * this.constants.cOut + o];
  }
  return acc;
}

export function convForwardSpec(s: ConvShape): KernelSpec<ConvConstants> {
  return { source: convForwardKernel, constants: convConstants(s), output: [s.cOut, s.P] };
}

export function convBackwardInputSpec(s: ConvShape): KernelSpec<ConvConstants> {
  return { source: convBackwardInputKernel, constants: convConstants(s), output: [s.cIn, s.P] };
}

export function convBackwardWeightSpec(s: ConvShape): KernelSpec<ConvConstants> {
  return { source: convBackwardWeightKernel, constants: convConstants(s), output: [s.cOut, s.cIn, s.K] };
}
