// Causal dilated Conv1d over a packed batch (layout.ts): forward, backward to input, to weight and bias.

import { BLOCK, paddedRows, tapPosition } from './layout.ts';
import type { Block, KernelSpec, KernelThis } from './spec.ts';

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

// gpu.js kernels over padded rows (layout.ts): R = paddedRows(P). Both backward passes start from
// the tap sums of dy, taps[j, s] = Σ dy[p] over the outputs p whose tap j reads s, and are then
// plain products: dx = Σ_j taps_j · W_jᵀ and dW_j = xᵀ · taps_j. The three products are blocked
// (layout.ts), and walk their operands with index locals advanced by addition: the webasm backend
// evaluates each index expression afresh per load, in float32, so a product per load costs more.
// They advance by `+= 1`, never `++`: gpu.js types these locals as floats, and WGSL (its WebGPU
// backend) has no increment of a float.

/** The sizes baked into the conv kernels; `field` = (K−1)·d + 1, the span one tap set covers. */
export type ConvConstants = { cIn: number; cOut: number; K: number; dilation: number; field: number };

function convConstants(s: ConvShape): ConvConstants {
  return { cIn: s.cIn, cOut: s.cOut, K: s.K, dilation: s.dilation, field: (s.K - 1) * s.dilation + 1 };
}

// x (R, Cin), w (K·Cin, Cout), bias (Cout), start (R) → y (R, Cout): cell (o, b) holds rows 4b…4b+3
export function convForwardKernel(this: KernelThis<ConvConstants>, x: Float32Array, w: Float32Array, bias: Float32Array, start: Int32Array): Block {
  const o = this.thread.x;
  const p = this.thread.y * 4;
  let y0 = bias[o];
  let y1 = y0;
  let y2 = y0;
  let y3 = y0;
  for (let j = 0; j < this.constants.K; j++) {
    const off = (this.constants.K - 1 - j) * this.constants.dilation;
    // the rows tap j reads (layout.ts tapPosition), walked along c
    let x0 = Math.max(p - off, start[p]) * this.constants.cIn;
    let x1 = Math.max(p + 1 - off, start[p + 1]) * this.constants.cIn;
    let x2 = Math.max(p + 2 - off, start[p + 2]) * this.constants.cIn;
    let x3 = Math.max(p + 3 - off, start[p + 3]) * this.constants.cIn;
    let wi = j * this.constants.cIn * this.constants.cOut + o;
    for (let c = 0; c < this.constants.cIn; c++) {
      const wv = w[wi];
      y0 += x[x0] * wv;
      y1 += x[x1] * wv;
      y2 += x[x2] * wv;
      y3 += x[x3] * wv;
      x0 += 1;
      x1 += 1;
      x2 += 1;
      x3 += 1;
      wi += this.constants.cOut;
    }
  }
  return [y0, y1, y2, y3];
}

// dy (R, Cout), start (R), P → taps (K, R, Cout)
// Position s gets tap j of output p exactly when max(p − off, start[p]) = s, off = (K−1−j)·d:
// p = s + off in s's word, and, when s is its word's first position, also every p of the word
// with p − off < s (the taps clamped onto it). Both sets together: p ∈ [lo, s + off] within the
// word, lo = s for a first position and s + off otherwise. Words are contiguous and p ≥ s, so
// "within the word" is start[p] = start[s], and the walk stops at the first p that fails it.
export function convTapSumsKernel(this: KernelThis<ConvConstants>, dy: Float32Array, start: Int32Array, positions: number): number {
  const o = this.thread.x;
  const s = this.thread.y;
  const first = start[s];
  const hi = s + (this.constants.K - 1 - this.thread.z) * this.constants.dilation;
  let p = hi;
  if (s === first) p = s;
  let acc = 0;
  // at most `field` positions: a constant bound, as GL backends need
  for (let t = 0; t < this.constants.field; t++) {
    if (p > hi || p >= positions) break;
    if (start[p] !== first) break;
    acc += dy[p * this.constants.cOut + o];
    p += 1;
  }
  return acc;
}

// w (K·Cin, Cout) → wᵀ (Cout, K·Cin), so that the backward-input product's lanes (c) read one cache line
export function convTransposeWeightKernel(this: KernelThis<ConvConstants>, w: Float32Array): number {
  return w[this.thread.x * this.constants.cOut + this.thread.y];
}

// taps (K, R, Cout), wᵀ (Cout, K·Cin) → dx (R, Cin) = Σ_j taps_j · W_jᵀ: cell (c, b) holds rows 4b…4b+3
export function convBackwardInputKernel(this: KernelThis<ConvConstants>, taps: Float32Array, wT: Float32Array): Block {
  const rows = this.output.y * 4;
  const s = this.thread.y * 4;
  let dx0 = 0;
  let dx1 = 0;
  let dx2 = 0;
  let dx3 = 0;
  for (let j = 0; j < this.constants.K; j++) {
    let t0 = (j * rows + s) * this.constants.cOut;
    let t1 = t0 + this.constants.cOut;
    let t2 = t1 + this.constants.cOut;
    let t3 = t2 + this.constants.cOut;
    let wi = j * this.constants.cIn + this.thread.x;
    for (let o = 0; o < this.constants.cOut; o++) {
      const wv = wT[wi];
      dx0 += taps[t0] * wv;
      dx1 += taps[t1] * wv;
      dx2 += taps[t2] * wv;
      dx3 += taps[t3] * wv;
      t0 += 1;
      t1 += 1;
      t2 += 1;
      t3 += 1;
      wi += this.constants.K * this.constants.cIn;
    }
  }
  return [dx0, dx1, dx2, dx3];
}

// x (R, Cin), taps (K, R, Cout), R, P → dw (K·Cin, Cout) = xᵀ · taps_j per tap: cell (o, b, j) holds
// rows j·Cin + 4b…4b+3. A last block past Cin repeats channel Cin − 1; those rows are dropped.
export function convBackwardWeightKernel(this: KernelThis<ConvConstants>, x: Float32Array, taps: Float32Array, rows: number, positions: number): Block {
  // x0…x3 walk channels 4b…4b+3 down the rows
  let x0 = this.thread.y * 4;
  let x1 = Math.min(x0 + 1, this.constants.cIn - 1);
  let x2 = Math.min(x0 + 2, this.constants.cIn - 1);
  let x3 = Math.min(x0 + 3, this.constants.cIn - 1);
  let ti = this.thread.z * rows * this.constants.cOut + this.thread.x;
  let dw0 = 0;
  let dw1 = 0;
  let dw2 = 0;
  let dw3 = 0;
  for (let s = 0; s < positions; s++) {
    const g = taps[ti];
    dw0 += x[x0] * g;
    dw1 += x[x1] * g;
    dw2 += x[x2] * g;
    dw3 += x[x3] * g;
    x0 += this.constants.cIn;
    x1 += this.constants.cIn;
    x2 += this.constants.cIn;
    x3 += this.constants.cIn;
    ti += this.constants.cOut;
  }
  return [dw0, dw1, dw2, dw3];
}

export function convForwardSpec(s: ConvShape): KernelSpec<ConvConstants> {
  return { source: convForwardKernel, constants: convConstants(s), output: [s.cOut, paddedRows(s.P) / BLOCK], blocking: { along: 'rows', rows: paddedRows(s.P) } };
}

/** The whole padded (K, R, Cout) result: the backward products read it as is. */
export function convTapSumsSpec(s: ConvShape): KernelSpec<ConvConstants> {
  return { source: convTapSumsKernel, constants: convConstants(s), output: [s.cOut, paddedRows(s.P), s.K] };
}

export function convTransposeWeightSpec(s: ConvShape): KernelSpec<ConvConstants> {
  return { source: convTransposeWeightKernel, constants: convConstants(s), output: [s.K * s.cIn, s.cOut] };
}

export function convBackwardInputSpec(s: ConvShape): KernelSpec<ConvConstants> {
  return { source: convBackwardInputKernel, constants: convConstants(s), output: [s.cIn, paddedRows(s.P) / BLOCK], blocking: { along: 'rows', rows: paddedRows(s.P) } };
}

export function convBackwardWeightSpec(s: ConvShape): KernelSpec<ConvConstants> {
  return { source: convBackwardWeightKernel, constants: convConstants(s), output: [s.cOut, Math.ceil(s.cIn / BLOCK), s.K], blocking: { along: 'rows', rows: s.cIn } };
}
