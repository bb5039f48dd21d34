// LayerNorm → gate → dropout in one pass each way, for the WebAssembly SIMD backend: what a spec's
// layernorm, gate (and dropout) in a row run as (src/models/conv-layers/ln-gate.ts). A row's
// normalised values are made where the gate reads them, never stored; backward makes them again.
// Every value is computed as the separate kernels compute it (layernorm.as.ts, gate.as.ts,
// dropout.as.ts), in the same order, so the results are theirs bit for bit. threshold 0: no dropout.

import { share, storeLanes } from './matmul.as';
import { affine4, rowBackward, rowMean, rowRstd } from './layernorm.as';
import { gate4, gateBackward4 } from './gate.as';
import { keepLanes } from './dropout.as';

// x (P, 2C), γ, β (2C) → y (P, C) = dropout(tanh(f) ⊙ σ(g)), [f | g] = LN(x)·γ + β
export function ln_gate_forward(x: usize, gamma: usize, beta: usize, eps: f32, y: usize, state: u32, threshold: u32, keep: f32, P: i32, C: i32, t: i32, T: i32): void {
  const e = share(P, 1, t + 1, T);
  const half = <usize>C << 2;
  for (let p = share(P, 1, t, T); p < e; p++) {
    const xr = x + (<usize>p * <usize>(2 * C) << 2);
    const yr = y + (<usize>p * <usize>C << 2);
    const mean = rowMean(xr, 2 * C);
    const m = f32x4.splat(mean);
    const r = f32x4.splat(rowRstd(xr, 2 * C, mean, eps));
    for (let c = 0; c < C; c += 4) {
      const o = <usize>c << 2;
      let out = gate4(affine4(xr, o, m, r, gamma, beta), affine4(xr, o + half, m, r, gamma, beta));
      if (threshold) out = f32x4.mul(out, keepLanes(state, p * C + c, threshold, keep));
      storeLanes(yr + o, out, min(4, C - c));
    }
  }
}

// dy (P, C), x (P, 2C), γ, β (2C) → dx (P, 2C); the gradient at the LayerNorm's output into dh
// (P, 2C) and each row's [mean, rstd] into stats (P, 2), for ln_backward_params
export function ln_gate_backward_dx(dy: usize, x: usize, gamma: usize, beta: usize, eps: f32, dx: usize, dh: usize, stats: usize, state: u32, threshold: u32, keep: f32, P: i32, C: i32, t: i32, T: i32): void {
  const e = share(P, 1, t + 1, T);
  const half = <usize>C << 2;
  for (let p = share(P, 1, t, T); p < e; p++) {
    const row = <usize>p * <usize>(2 * C) << 2;
    const xr = x + row;
    const dyr = dy + (<usize>p * <usize>C << 2);
    const mean = rowMean(xr, 2 * C);
    const rstd = rowRstd(xr, 2 * C, mean, eps);
    store<f32>(stats + (<usize>p << 3), mean);
    store<f32>(stats + (<usize>p << 3), rstd, 4);
    const m = f32x4.splat(mean);
    const r = f32x4.splat(rstd);
    for (let c = 0; c < C; c += 4) {
      const o = <usize>c << 2;
      let d = v128.load(dyr + o);
      if (threshold) d = f32x4.mul(d, keepLanes(state, p * C + c, threshold, keep));
      gateBackward4(affine4(xr, o, m, r, gamma, beta), affine4(xr, o + half, m, r, gamma, beta), d, dh + row + o, dh + row + o + half, min(4, C - c));
    }
    rowBackward(dh + row, xr, gamma, mean, rstd, dx + row, 2 * C);
  }
}
