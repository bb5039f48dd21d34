// Per-position LayerNorm for the WebAssembly SIMD backend (kernels/layernorm.ts), 4 channels a
// vector, a row's last C mod 4 channels one at a time. Threads share the rows for the forward pass
// and dx, and groups of 4 channels for dγ and dβ (each walking every row in order, so no two threads
// add into one channel and a channel's sum does not depend on the pieces).

import { share, storeLanes } from './matmul.as';

// 4 lanes → their sum
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// Σ x, or Σ (x − mean)² with `squares`, over a row (C) at `row`: four vector sums, so the adds do not
// wait on each other, then the last C mod 4 channels one at a time
@inline function rowSum(row: usize, C: i32, mean: f32, squares: bool): f32 {
  const whole = C & ~3;
  const m = f32x4.splat(mean);
  const z = f32x4.splat(0);
  let a0 = z, a1 = z, a2 = z, a3 = z;
  let c = 0;
  for (; c + 16 <= whole; c += 16) {
    const at = row + (<usize>c << 2);
    a0 = f32x4.add(a0, term4(at, m, squares));
    a1 = f32x4.add(a1, term4(at + 16, m, squares));
    a2 = f32x4.add(a2, term4(at + 32, m, squares));
    a3 = f32x4.add(a3, term4(at + 48, m, squares));
  }
  for (; c < whole; c += 4) a0 = f32x4.add(a0, term4(row + (<usize>c << 2), m, squares));
  let sum = hsum(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)));
  for (c = whole; c < C; c++) {
    const x = load<f32>(row + (<usize>c << 2));
    sum += squares ? (x - mean) * (x - mean) : x;
  }
  return sum;
}

// the 4 channels at `at`, or (x − m)² of them
@inline function term4(at: usize, m: v128, squares: bool): v128 {
  if (!squares) return v128.load(at);
  const d = f32x4.sub(v128.load(at), m);
  return f32x4.mul(d, d);
}

// A row (C)'s [mean, 1/sqrt(variance + eps)] into `at` (2 floats). Kernels read them back from
// there: V8 moves a value that only a loop reads into that loop and computes it every time (here a
// division, a square root and another division per vector); one stored before the loop is not moved.
@inline export function rowStats(row: usize, C: i32, eps: f32, at: usize): void {
  const mean = rowSum(row, C, 0, false) / <f32>C;
  store<f32>(at, mean);
  store<f32>(at, <f32>1 / Mathf.sqrt(rowSum(row, C, mean, true) / <f32>C + eps), 4);
}

// x̂·γ + β of the 4 channels at byte offset o of a row, x̂ = (x − mean)·rstd (m, r: them splatted)
@inline export function affine4(row: usize, o: usize, m: v128, r: v128, gamma: usize, beta: usize): v128 {
  return f32x4.add(f32x4.mul(f32x4.mul(f32x4.sub(v128.load(row + o), m), r), v128.load(gamma + o)), v128.load(beta + o));
}

// x (P, C), γ, β (C) → y (P, C); each row's [mean, rstd] into stats (P, 2) on the way (rowStats)
export function ln_forward(x: usize, gamma: usize, beta: usize, eps: f32, y: usize, stats: usize, P: i32, C: i32, t: i32, T: i32): void {
  const e = share(P, 1, t + 1, T);
  for (let p = share(P, 1, t, T); p < e; p++) {
    const row = <usize>p * <usize>C << 2;
    const st = stats + (<usize>p << 3);
    rowStats(x + row, C, eps, st);
    const m = v128.load32_splat(st);
    const r = v128.load32_splat(st, 4);
    for (let c = 0; c < C; c += 4) {
      const o = <usize>c << 2;
      storeLanes(y + row + o, affine4(x + row, o, m, r, gamma, beta), min(4, C - c));
    }
  }
}

// dy, x (P, C), γ (C) → dx (P, C), and each row's [mean, rstd] into stats (P, 2) for ln_backward_params
export function ln_backward_dx(dy: usize, x: usize, gamma: usize, eps: f32, dx: usize, stats: usize, P: i32, C: i32, t: i32, T: i32): void {
  const e = share(P, 1, t + 1, T);
  for (let p = share(P, 1, t, T); p < e; p++) {
    const row = <usize>p * <usize>C << 2;
    const st = stats + (<usize>p << 3);
    rowStats(x + row, C, eps, st);
    rowBackward(dy + row, x + row, gamma, load<f32>(st), load<f32>(st, 4), dx + row, C);
  }
}

// one row (C): dy, x, γ, the row's mean and rstd → dx = rstd·(g − mean(g) − x̂·mean(g·x̂)), g = dy·γ
@inline export function rowBackward(dy: usize, x: usize, gamma: usize, mean: f32, rstd: f32, dx: usize, C: i32): void {
  const whole = C & ~3;
  const m = f32x4.splat(mean);
  const r = f32x4.splat(rstd);
  const z = f32x4.splat(0);
  let g0 = z, g1 = z, gx0 = z, gx1 = z;
  let c = 0;
  for (; c + 8 <= whole; c += 8) {
    const o = <usize>c << 2;
    const a = f32x4.mul(v128.load(dy + o), v128.load(gamma + o));
    const b = f32x4.mul(v128.load(dy + o, 16), v128.load(gamma + o, 16));
    g0 = f32x4.add(g0, a);
    g1 = f32x4.add(g1, b);
    gx0 = f32x4.add(gx0, f32x4.mul(a, f32x4.mul(f32x4.sub(v128.load(x + o), m), r)));
    gx1 = f32x4.add(gx1, f32x4.mul(b, f32x4.mul(f32x4.sub(v128.load(x + o, 16), m), r)));
  }
  for (; c < whole; c += 4) {
    const o = <usize>c << 2;
    const g = f32x4.mul(v128.load(dy + o), v128.load(gamma + o));
    g0 = f32x4.add(g0, g);
    gx0 = f32x4.add(gx0, f32x4.mul(g, f32x4.mul(f32x4.sub(v128.load(x + o), m), r)));
  }
  let meanG = hsum(f32x4.add(g0, g1));
  let meanGX = hsum(f32x4.add(gx0, gx1));
  for (c = whole; c < C; c++) {
    const o = <usize>c << 2;
    const g = load<f32>(dy + o) * load<f32>(gamma + o);
    meanG += g;
    meanGX += g * ((load<f32>(x + o) - mean) * rstd);
  }
  const mg = f32x4.splat(meanG / <f32>C);
  const mgx = f32x4.splat(meanGX / <f32>C);
  for (let c = 0; c < C; c += 4) {
    const o = <usize>c << 2;
    const xhat = f32x4.mul(f32x4.sub(v128.load(x + o), m), r);
    const g = f32x4.mul(v128.load(dy + o), v128.load(gamma + o));
    storeLanes(dx + o, f32x4.mul(r, f32x4.sub(f32x4.sub(g, mg), f32x4.mul(xhat, mgx))), min(4, C - c));
  }
}

// dy, x (P, C), the rows' [mean, rstd] (P, 2) from ln_backward_dx → dγ += Σ_p dy·x̂, dβ += Σ_p dy (C)
export function ln_backward_params(dy: usize, x: usize, stats: usize, dgamma: usize, dbeta: usize, P: i32, C: i32, t: i32, T: i32): void {
  const groups = (C + 3) >> 2;
  const g1 = share(groups, 1, t + 1, T);
  for (let g = share(groups, 1, t, T); g < g1; g++) {
    const o = <usize>g << 4;
    const cols = min(4, C - (g << 2));
    let dg = f32x4.splat(0);
    let db = f32x4.splat(0);
    for (let p = 0; p < P; p++) {
      const at = (<usize>p * <usize>C << 2) + o;
      const s = stats + (<usize>p << 3);
      const d = v128.load(dy + at);
      const xhat = f32x4.mul(f32x4.sub(v128.load(x + at), v128.load32_splat(s)), v128.load32_splat(s, 4));
      dg = f32x4.add(dg, f32x4.mul(d, xhat));
      db = f32x4.add(db, d);
    }
    storeLanes(dgamma + o, f32x4.add(v128.load(dgamma + o), dg), cols);
    storeLanes(dbeta + o, f32x4.add(v128.load(dbeta + o), db), cols);
  }
}
