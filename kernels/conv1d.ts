// Causal dilated Conv1d over a packed batch (layout.ts): forward, backward to input, to weight and bias.

import { tapPosition } from './layout.ts';

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
