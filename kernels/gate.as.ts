// WaveNet's gated activation unit for the WebAssembly SIMD backend (kernels/gate.ts): threads share
// the rows, each row in vectors of 4 channels.

import { share, storeLanes } from './matmul.as';
import { exp4, tanh4 } from './pointwise.as';

@inline function sigmoid4(v: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(v))));
}

// x (P, 2C): filter | gate → y (P, C) = tanh(filter) ⊙ σ(gate)
export function gate_forward(x: usize, y: usize, P: i32, C: i32, t: i32, T: i32): void {
  const e = share(P, 1, t + 1, T);
  for (let p = share(P, 1, t, T); p < e; p++) {
    const xr = x + (<usize>p * <usize>(2 * C) << 2);
    const yr = y + (<usize>p * <usize>C << 2);
    for (let c = 0; c < C; c += 4) {
      const o = <usize>c << 2;
      const f = v128.load(xr + o);
      const g = v128.load(xr + o + (<usize>C << 2));
      storeLanes(yr + o, f32x4.mul(tanh4(f), sigmoid4(g)), min(4, C - c));
    }
  }
}

// x (P, 2C), dy (P, C) → dx (P, 2C): filter half dy·σ(g)·(1 − tanh²f), gate half dy·tanh f·σ(g)·(1 − σ(g))
export function gate_backward(x: usize, dy: usize, dx: usize, P: i32, C: i32, t: i32, T: i32): void {
  const e = share(P, 1, t + 1, T);
  const one = f32x4.splat(1);
  const half = <usize>C << 2;
  for (let p = share(P, 1, t, T); p < e; p++) {
    const xr = x + (<usize>p * <usize>(2 * C) << 2);
    const dxr = dx + (<usize>p * <usize>(2 * C) << 2);
    const dyr = dy + (<usize>p * <usize>C << 2);
    for (let c = 0; c < C; c += 4) {
      const o = <usize>c << 2;
      const cols = min(4, C - c);
      const th = tanh4(v128.load(xr + o));
      const g = sigmoid4(v128.load(xr + o + half));
      const d = v128.load(dyr + o);
      storeLanes(dxr + o, f32x4.mul(f32x4.mul(d, g), f32x4.sub(one, f32x4.mul(th, th))), cols);
      storeLanes(dxr + o + half, f32x4.mul(f32x4.mul(d, th), f32x4.mul(g, f32x4.sub(one, g))), cols);
    }
  }
}
