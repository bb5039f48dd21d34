// Per-position LayerNorm for the WebAssembly SIMD backend (kernels/layernorm.ts), 4 channels a
// vector, a row's last C mod 4 channels one at a time. Threads share the rows for the forward pass
// and dx, and groups of 4 channels for dγ and dβ (each walking every row in order, so no two threads
// add into one channel and a channel's sum does not depend on the pieces).

import { share, storeLanes } from './matmul.as';

// 4 lanes → their sum
@inline function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// row (C) at `row` → its mean. Four vector sums, so the adds do not wait on each other.
@inline export function rowMean(row: usize, C: i32): f32 {
  const whole = C & ~3;
  const z = f32x4.splat(0);
  let a0 = z, a1 = z, a2 = z, a3 = z;
  let c = 0;
  for (; c + 16 <= whole; c += 16) {
    const at = row + (<usize>c << 2);
    a0 = f32x4.add(a0, v128.load(at));
    a1 = f32x4.add(a1, v128.load(at, 16));
    a2 = f32x4.add(a2, v128.load(at, 32));
    a3 = f32x4.add(a3, v128.load(at, 48));
  }
  for (; c < whole; c += 4) a0 = f32x4.add(a0, v128.load(row + (<usize>c << 2)));
  let sum = hsum(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)));
  for (c = whole; c < C; c++) sum += load<f32>(row + (<usize>c << 2));
  return sum / <f32>C;
}

// (x − m)² of the 4 channels at `at`
@inline function squared(at: usize, m: v128): v128 {
  const d = f32x4.sub(v128.load(at), m);
  return f32x4.mul(d, d);
}

// row (C) at `row`, its mean → 1/sqrt(variance + eps); four vector sums as rowMean
@inline export function rowRstd(row: usize, C: i32, mean: f32, eps: f32): f32 {
  const whole = C & ~3;
  const m = f32x4.splat(mean);
  const z = f32x4.splat(0);
  let a0 = z, a1 = z, a2 = z, a3 = z;
  let c = 0;
  for (; c + 16 <= whole; c += 16) {
    const at = row + (<usize>c << 2);
    a0 = f32x4.add(a0, squared(at, m));
    a1 = f32x4.add(a1, squared(at + 16, m));
    a2 = f32x4.add(a2, squared(at + 32, m));
    a3 = f32x4.add(a3, squared(at + 48, m));
  }
  for (; c < whole; c += 4) a0 = f32x4.add(a0, squared(row + (<usize>c << 2), m));
  let sq = hsum(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)));
  for (c = whole; c < C; c++) {
    const d = load<f32>(row + (<usize>c << 2)) - mean;
    sq += d * d;
  }
  return <f32>1 / Mathf.sqrt(sq / <f32>C + eps);
}

// x̂·γ + β of the 4 channels at byte offset o of a row, x̂ = (x − mean)·rstd (m, r: them splatted)
@inline export function affine4(row: usize, o: usize, m: v128, r: v128, gamma: usize, beta: usize): v128 {
  return f32x4.add(f32x4.mul(f32x4.mul(f32x4.sub(v128.load(row + o), m), r), v128.load(gamma + o)), v128.load(beta + o));
}

// x (P, C), γ, β (C) → y (P, C)
export function ln_forward(x: usize, gamma: usize, beta: usize, eps: f32, y: usize, P: i32, C: i32, t: i32, T: i32): void {
  const e = share(P, 1, t + 1, T);
  for (let p = share(P, 1, t, T); p < e; p++) {
    const row = <usize>p * <usize>C << 2;
    const mean = rowMean(x + row, C);
    const m = f32x4.splat(mean);
    const r = f32x4.splat(rowRstd(x + row, C, mean, eps));
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
    const mean = rowMean(x + row, C);
    const rstd = rowRstd(x + row, C, mean, eps);
    store<f32>(stats + (<usize>p << 3), mean);
    store<f32>(stats + (<usize>p << 3), rstd, 4);
    rowBackward(dy + row, x + row, gamma, mean, rstd, dx + row, C);
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
