// LayerNorm → gate → dropout in one pass each way, for the WebAssembly SIMD backend: what a spec's
// layernorm, gate (and dropout) in a row run as (src/models/conv-layers/ln-gate.ts). A row's
// normalised values are made where the gate reads them, never stored; the forward keeps tanh f,
// σ(g) and each row's statistics (`saved`) for the backward, which then needs no tanh or exp and
// no pass for the statistics. Every value is computed as the
// separate kernels compute it (layernorm.as.ts, gate.as.ts, dropout.as.ts), in the same order, so
// the results are theirs bit for bit. threshold 0: no dropout.

import { share, storeLanes } from './matmul.as';
import { affine4, rowBackward, rowStats } from './layernorm.as';
import { gateGrads4, sigmoid4 } from './gate.as';
import { tanh4 } from './pointwise.as';
import { keepLanes } from './dropout.as';

// x (P, 2C), γ, β (2C) → y (P, C) = dropout(tanh(f) ⊙ σ(g)), [f | g] = LN(x)·γ + β, and each row's
// [mean, rstd] into stats (P, 2) (rowStats); unless saved is 0, [tanh f | σ(g)] (P, 2C) into saved
export function ln_gate_forward(x: usize, gamma: usize, beta: usize, eps: f32, y: usize, saved: usize, stats: usize, state: u32, threshold: u32, keep: f32, P: i32, C: i32, t: i32, T: i32): void {
  const e = share(P, 1, t + 1, T);
  const half = <usize>C << 2;
  for (let p = share(P, 1, t, T); p < e; p++) {
    const xr = x + (<usize>p * <usize>(2 * C) << 2);
    const yr = y + (<usize>p * <usize>C << 2);
    const st = stats + (<usize>p << 3);
    rowStats(xr, 2 * C, eps, st);
    const m = v128.load32_splat(st);
    const r = v128.load32_splat(st, 4);
    const sr = saved + (<usize>p * <usize>(2 * C) << 2);
    for (let c = 0; c < C; c += 4) {
      const o = <usize>c << 2;
      const cols = min(4, C - c);
      const th = tanh4(affine4(xr, o, m, r, gamma, beta));
      const sg = sigmoid4(affine4(xr, o + half, m, r, gamma, beta));
      let out = f32x4.mul(th, sg);
      if (threshold) out = f32x4.mul(out, keepLanes(state, p * C + c, threshold, keep));
      storeLanes(yr + o, out, cols);
      if (saved) {
        storeLanes(sr + o, th, cols);
        storeLanes(sr + o + half, sg, cols);
      }
    }
  }
}

// dy (P, C), x (P, 2C), the forward's saved [tanh f | σ(g)] (P, 2C) and row statistics (P, 2), γ
// (2C) → dx (P, 2C); the gradient at the LayerNorm's output into dh (P, 2C), for ln_backward_params
export function ln_gate_backward_dx(dy: usize, x: usize, saved: usize, stats: usize, gamma: usize, dx: usize, dh: usize, state: u32, threshold: u32, keep: f32, P: i32, C: i32, t: i32, T: i32): void {
  const e = share(P, 1, t + 1, T);
  const half = <usize>C << 2;
  for (let p = share(P, 1, t, T); p < e; p++) {
    const row = <usize>p * <usize>(2 * C) << 2;
    const dyr = dy + (<usize>p * <usize>C << 2);
    const sr = saved + row;
    for (let c = 0; c < C; c += 4) {
      const o = <usize>c << 2;
      let d = v128.load(dyr + o);
      if (threshold) d = f32x4.mul(d, keepLanes(state, p * C + c, threshold, keep));
      gateGrads4(v128.load(sr + o), v128.load(sr + o + half), d, dh + row + o, dh + row + o + half, min(4, C - c));
    }
    const st = stats + (<usize>p << 3);
    rowBackward(dh + row, x + row, gamma, load<f32>(st), load<f32>(st, 4), dx + row, 2 * C);
  }
}
