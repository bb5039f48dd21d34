// BatchNorm over the P positions of a packed batch (layout.ts) for the WebAssembly SIMD backend:
// statistics, normalisation (with the tanh that follows it fused), backward through both. Sums over
// positions are taken per piece of the work, in float64, into a partial-sums block (T, 2, C) — row 0 Σ, row 1
// the second sum — which the next kernel combines, so no kernel waits for another mid-way.

import { share } from './matmul.as';
import { tanh4 } from './pointwise.as';

// rows [r0, r1) of x (·, C) → out (2, C) f64: Σ x, Σ x²
export function partialStats(x: usize, C: i32, r0: i32, r1: i32, out: usize): void {
  const ld = <usize>C << 2;
  let c = 0;
  for (; c + 4 <= C; c += 4) {
    let s01 = f64x2.splat(0), s23 = s01, q01 = s01, q23 = s01;
    let p = x + <usize>r0 * ld + (<usize>c << 2);
    for (let r = r0; r < r1; r++) {
      const v = v128.load(p);
      const lo = f64x2.promote_low_f32x4(v);
      const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
      s01 = f64x2.add(s01, lo);
      s23 = f64x2.add(s23, hi);
      q01 = f64x2.add(q01, f64x2.mul(lo, lo));
      q23 = f64x2.add(q23, f64x2.mul(hi, hi));
      p += ld;
    }
    const o = <usize>c << 3;
    v128.store(out + o, s01);
    v128.store(out + o, s23, 16);
    v128.store(out + ((<usize>C) << 3) + o, q01);
    v128.store(out + ((<usize>C) << 3) + o, q23, 16);
  }
  for (; c < C; c++) {
    let s: f64 = 0, q: f64 = 0;
    let p = x + <usize>r0 * ld + (<usize>c << 2);
    for (let r = r0; r < r1; r++) {
      const v = <f64>load<f32>(p);
      s += v;
      q += v * v;
      p += ld;
    }
    store<f64>(out + (<usize>c << 3), s);
    store<f64>(out + ((<usize>C + c) << 3), q);
  }
}

// partials (T, 2, C) → Σ_t partials[t][half][c], in piece order
@inline function partialTotal(partials: usize, C: i32, T: i32, c: i32, half: i32): f64 {
  let total: f64 = 0;
  for (let t = 0; t < T; t++) total += load<f64>(partials + ((<usize>t * 2 * C + <usize>half * C + c) << 3));
  return total;
}

// x (P, C) → partials (T, 2, C): piece t's sums over its rows
export function bn_partial_stats(x: usize, P: i32, C: i32, partials: usize, t: i32, T: i32): void {
  partialStats(x, C, share(P, 4, t, T), share(P, 4, t + 1, T), partials + ((<usize>t * 2 * C) << 3));
}

// partials (T, 2, C) of Σx, Σx² → mean (C), unbiased variance (C); run as one piece
export function bn_finish_stats(partials: usize, P: i32, C: i32, T: i32, mean: usize, variance: usize): void {
  for (let c = 0; c < C; c++) {
    const s = partialTotal(partials, C, T, c, 0);
    const q = partialTotal(partials, C, T, c, 1);
    const m = s / P;
    store<f32>(mean + (<usize>c << 2), <f32>m);
    store<f32>(variance + (<usize>c << 2), <f32>(max(q - s * m, 0) / (P - 1)));
  }
}

// x (P, C), mean, var, γ, β (C), eps → y (P, C) = γ·(x − mean)/√(var + eps) + β, then tanh when
// `withTanh`. scratch: (T, 2, C) f32 for each piece's per-channel scale and shift.
export function bn_forward(x: usize, mean: usize, variance: usize, gamma: usize, beta: usize, eps: f32, y: usize, P: i32, C: i32, withTanh: bool, scratch: usize, t: i32, T: i32): void {
  const scale = scratch + ((<usize>t * 2 * C) << 2);
  const shift = scale + (<usize>C << 2);
  for (let c = 0; c < C; c++) {
    const o = <usize>c << 2;
    const k = load<f32>(gamma + o) / Mathf.sqrt(load<f32>(variance + o) + eps);
    store<f32>(scale + o, k);
    store<f32>(shift + o, load<f32>(beta + o) - load<f32>(mean + o) * k);
  }
  const r0 = share(P, 4, t, T);
  const r1 = share(P, 4, t + 1, T);
  const ld = <usize>C << 2;
  for (let r = r0; r < r1; r++) {
    const xr = x + <usize>r * ld;
    const yr = y + <usize>r * ld;
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const o = <usize>c << 2;
      let v = f32x4.add(f32x4.mul(v128.load(xr + o), v128.load(scale + o)), v128.load(shift + o));
      if (withTanh) v = tanh4(v);
      v128.store(yr + o, v);
    }
    for (; c < C; c++) {
      const o = <usize>c << 2;
      const v = f32x4.splat(load<f32>(xr + o) * load<f32>(scale + o) + load<f32>(shift + o));
      store<f32>(yr + o, f32x4.extract_lane(withTanh ? tanh4(v) : v, 0));
    }
  }
}

// Backward, first half. dy (P, C), y (P, C) the tanh output or 0 when there is no tanh, x (P, C)
// the input, mean (C) → dh (P, C) = dy·(1 − y²) (or dy), partials (T, 2, C): Σ dh, Σ dh·(x − mean)
export function bn_backward_sums(dy: usize, y: usize, x: usize, mean: usize, dh: usize, P: i32, C: i32, partials: usize, t: i32, T: i32): void {
  const r0 = share(P, 4, t, T);
  const r1 = share(P, 4, t + 1, T);
  const ld = <usize>C << 2;
  const out = partials + ((<usize>t * 2 * C) << 3);
  const one = f32x4.splat(1);
  let c = 0;
  for (; c + 4 <= C; c += 4) {
    const o = <usize>c << 2;
    const m = v128.load(mean + o);
    let s01 = f64x2.splat(0), s23 = s01, q01 = s01, q23 = s01;
    for (let r = r0; r < r1; r++) {
      const i = <usize>r * ld + o;
      let g = v128.load(dy + i);
      if (y) {
        const yv = v128.load(y + i);
        g = f32x4.mul(g, f32x4.sub(one, f32x4.mul(yv, yv)));
        v128.store(dh + i, g);
      }
      const gx = f32x4.mul(g, f32x4.sub(v128.load(x + i), m));
      s01 = f64x2.add(s01, f64x2.promote_low_f32x4(g));
      s23 = f64x2.add(s23, f64x2.promote_low_f32x4(v128.shuffle<f32>(g, g, 2, 3, 0, 1)));
      q01 = f64x2.add(q01, f64x2.promote_low_f32x4(gx));
      q23 = f64x2.add(q23, f64x2.promote_low_f32x4(v128.shuffle<f32>(gx, gx, 2, 3, 0, 1)));
    }
    const po = <usize>c << 3;
    v128.store(out + po, s01);
    v128.store(out + po, s23, 16);
    v128.store(out + (<usize>C << 3) + po, q01);
    v128.store(out + (<usize>C << 3) + po, q23, 16);
  }
  for (; c < C; c++) {
    const o = <usize>c << 2;
    const m = load<f32>(mean + o);
    let s: f64 = 0, q: f64 = 0;
    for (let r = r0; r < r1; r++) {
      const i = <usize>r * ld + o;
      let g = load<f32>(dy + i);
      if (y) {
        const yv = load<f32>(y + i);
        g = g * (1 - yv * yv);
        store<f32>(dh + i, g);
      }
      s += g;
      q += g * (load<f32>(x + i) - m);
    }
    store<f64>(out + (<usize>c << 3), s);
    store<f64>(out + ((<usize>C + c) << 3), q);
  }
}

// Backward, second half. dh, x (P, C), mean, var, γ (C), eps, partials (T, 2, C) → dx (P, C);
// piece 0 adds dβ = Σ dh, dγ = Σ dh·x̂ into dbeta, dgamma. Training: the batch statistics depend
// on x, so dx = γ·invStd·(dh − Σdh/P − x̂·Σdh·x̂/(P − 1)); eval: dx = γ·invStd·dh.
// scratch: (T, 3, C) f32 for each piece's per-channel coefficients.
export function bn_backward_dx(dh: usize, x: usize, mean: usize, variance: usize, gamma: usize, eps: f32, training: bool, partials: usize, dx: usize, dgamma: usize, dbeta: usize, P: i32, C: i32, scratch: usize, t: i32, T: i32): void {
  const k1 = scratch + ((<usize>t * 3 * C) << 2);
  const k2 = k1 + (<usize>C << 2);
  const k3 = k2 + (<usize>C << 2);
  for (let c = 0; c < C; c++) {
    const s = partialTotal(partials, C, T, c, 0);
    const q = partialTotal(partials, C, T, c, 1);
    const o = <usize>c << 2;
    const invStd = 1 / Math.sqrt(<f64>load<f32>(variance + o) + eps);
    const sumDhXhat = q * invStd;
    const a = load<f32>(gamma + o) * invStd;
    store<f32>(k1 + o, <f32>a);
    store<f32>(k2 + o, training ? <f32>((a * s) / P) : 0);
    store<f32>(k3 + o, training ? <f32>((a * invStd * sumDhXhat) / (P - 1)) : 0);
    if (t == 0) {
      store<f32>(dbeta + o, load<f32>(dbeta + o) + <f32>s);
      store<f32>(dgamma + o, load<f32>(dgamma + o) + <f32>sumDhXhat);
    }
  }
  const r0 = share(P, 4, t, T);
  const r1 = share(P, 4, t + 1, T);
  const ld = <usize>C << 2;
  for (let r = r0; r < r1; r++) {
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const o = <usize>c << 2;
      const i = <usize>r * ld + o;
      const centred = f32x4.sub(v128.load(x + i), v128.load(mean + o));
      const v = f32x4.sub(f32x4.sub(f32x4.mul(v128.load(k1 + o), v128.load(dh + i)), v128.load(k2 + o)), f32x4.mul(v128.load(k3 + o), centred));
      v128.store(dx + i, v);
    }
    for (; c < C; c++) {
      const o = <usize>c << 2;
      const i = <usize>r * ld + o;
      store<f32>(dx + i, load<f32>(k1 + o) * load<f32>(dh + i) - load<f32>(k2 + o) - load<f32>(k3 + o) * (load<f32>(x + i) - load<f32>(mean + o)));
    }
  }
}
