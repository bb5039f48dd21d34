// WaveNet's gated activation unit for the WebAssembly SIMD backend (kernels/gate.ts): threads share
// the rows, each row in vectors of 4 channels.

import { lanes, share, storeLanes } from './matmul.as';
import { exp4, ONE, tanh4 } from './pointwise.as';

@inline export function sigmoid4(v: v128): v128 {
  const one = lanes(ONE, 0);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(v))));
}

// tanh f, σ(g) and dy (4 channels) → the filter half's gradient dy·σ(g)·(1 − tanh²f) at df, the
// gate half's dy·tanh f·σ(g)·(1 − σ(g)) at dg: `cols` of the 4
@inline export function gateGrads4(th: v128, sg: v128, d: v128, df: usize, dg: usize, cols: i32): void {
  const one = lanes(ONE, 0);
  storeLanes(df, f32x4.mul(f32x4.mul(d, sg), f32x4.sub(one, f32x4.mul(th, th))), cols);
  storeLanes(dg, f32x4.mul(f32x4.mul(d, th), f32x4.mul(sg, f32x4.sub(one, sg))), cols);
}

// x (P, 2C): filter | gate → y (P, C) = tanh(filter) ⊙ σ(gate)
export function gate_forward(x: usize, y: usize, P: i32, C: i32, t: i32, T: i32): void {
  const e = share(P, 1, t + 1, T);
  for (let p = share(P, 1, t, T); p < e; p++) {
    const xr = x + (<usize>p * <usize>(2 * C) << 2);
    const yr = y + (<usize>p * <usize>C << 2);
    for (let c = 0; c < C; c += 4) {
      const o = <usize>c << 2;
      storeLanes(yr + o, f32x4.mul(tanh4(v128.load(xr + o)), sigmoid4(v128.load(xr + o + (<usize>C << 2)))), min(4, C - c));
    }
  }
}

// x (P, 2C), dy (P, C) → dx (P, 2C): gateGrads4's two halves
export function gate_backward(x: usize, dy: usize, dx: usize, P: i32, C: i32, t: i32, T: i32): void {
  const e = share(P, 1, t + 1, T);
  const half = <usize>C << 2;
  for (let p = share(P, 1, t, T); p < e; p++) {
    const xr = x + (<usize>p * <usize>(2 * C) << 2);
    const dxr = dx + (<usize>p * <usize>(2 * C) << 2);
    const dyr = dy + (<usize>p * <usize>C << 2);
    for (let c = 0; c < C; c += 4) {
      const o = <usize>c << 2;
      gateGrads4(tanh4(v128.load(xr + o)), sigmoid4(v128.load(xr + o + half)), v128.load(dyr + o), dxr + o, dxr + o + half, min(4, C - c));
    }
  }
}
