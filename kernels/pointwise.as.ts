// Elementwise kernels for the WebAssembly SIMD backend: tanh, ReLU and their backward passes, the sum
// and product of two arrays, the optimizer updates, and the vector tanh / exp the fused kernels use
// (wasm has neither). Pieces share the elements in blocks of 4.

import { lanes, madd, share, storeLanes } from './matmul.as';

// Eigen's float tanh, as kernels/pointwise.ts: an odd [13/6] rational fit, within 4e-7 of tanh,
// clamped where float32 tanh is ±1. Polynomials by madd (fused in the relaxed build); clamps by
// pmin/pmax, one x64 instruction each where min/max's NaN and ±0 rules cost several (a NaN passes
// through either way, as the argument order here keeps it). Constants from a table (`lanes`): the
// clamp, the numerator's coefficients, then the denominator's.
const TANH = memory.data<f32>([
  -7.90531110763549805, 7.90531110763549805,
  2.00018790482477e-13, -2.76076847742355e-16, -8.60467152213735e-11, 5.12229709037114e-8, 1.48572235717979e-5, 6.37261928875436e-4, 4.89352455891786e-3,
  1.18534705686654e-4, 1.19825839466702e-6, 2.268434632439e-3, 4.89352518554385e-3,
]);
@inline export function tanh4(x: v128): v128 {
  const v = f32x4.pmin(f32x4.pmax(x, lanes(TANH, 0)), lanes(TANH, 1));
  const v2 = f32x4.mul(v, v);
  let p = madd(lanes(TANH, 2), v2, lanes(TANH, 3));
  p = madd(lanes(TANH, 4), p, v2);
  p = madd(lanes(TANH, 5), p, v2);
  p = madd(lanes(TANH, 6), p, v2);
  p = madd(lanes(TANH, 7), p, v2);
  p = madd(lanes(TANH, 8), p, v2);
  let q = madd(lanes(TANH, 9), v2, lanes(TANH, 10));
  q = madd(lanes(TANH, 11), q, v2);
  q = madd(lanes(TANH, 12), q, v2);
  return f32x4.div(f32x4.mul(v, p), q);
}

// Cephes' expf: e^x = 2^n · e^r, |r| ≤ ln2/2, e^r by a degree-6 polynomial; about 1 ulp. Inputs
// below −87 give ~1e-38 instead of 0 (the softmax only feeds it x − max ≤ 0). Clamps, madd and the
// table of constants as tanh4's: the clamp, 0.5 and log2(e) for n, ln 2 in two parts, the
// polynomial's coefficients, 1.5·2²³; and the exponent's bias less 1.5·2²³'s bits (1 from ONE).
const EXP = memory.data<f32>([
  -87, 88, 0.5, 1.44269504088896341, 0.693359375, -2.12194440e-4,
  1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1, 12582912,
]);
const EXP_BIAS = memory.data<i32>([127 - 0x4b400000]);
/** 1, for `lanes` (exp4, the fused kernels' sigmoid and gradients). */
export const ONE = memory.data<f32>([1]);
@inline export function exp4(x: v128): v128 {
  const xc = f32x4.pmin(f32x4.pmax(x, lanes(EXP, 0)), lanes(EXP, 1));
  const n = f32x4.floor(madd(lanes(EXP, 2), xc, lanes(EXP, 3)));
  let r = f32x4.sub(xc, f32x4.mul(n, lanes(EXP, 4)));
  r = f32x4.sub(r, f32x4.mul(n, lanes(EXP, 5)));
  let y = lanes(EXP, 6);
  y = madd(lanes(EXP, 7), y, r);
  y = madd(lanes(EXP, 8), y, r);
  y = madd(lanes(EXP, 9), y, r);
  y = madd(lanes(EXP, 10), y, r);
  y = madd(lanes(EXP, 11), y, r);
  y = f32x4.add(f32x4.add(f32x4.mul(f32x4.mul(y, r), r), r), lanes(ONE, 0));
  // 2^n from n's bits: n + 1.5·2²³ holds the integer n in its low mantissa bits (|n| ≤ 127)
  const pow2n = i32x4.shl(i32x4.add(f32x4.add(n, lanes(EXP, 12)), lanes(EXP_BIAS, 0)), 23);
  return f32x4.mul(y, pow2n);
}

// x (N) → y (N)
export function tanh_forward(x: usize, y: usize, N: i32, t: i32, T: i32): void {
  const e = share(N, 4, t + 1, T);
  for (let i = share(N, 4, t, T); i < e; i += 4) {
    const o = <usize>i << 2;
    storeLanes(y + o, tanh4(v128.load(x + o)), min(4, e - i));
  }
}

// y = tanh(x) (N), dy (N) → dx (N) = (1 − y²)·dy
export function tanh_backward(y: usize, dy: usize, dx: usize, N: i32, t: i32, T: i32): void {
  const e = share(N, 4, t + 1, T);
  const one = f32x4.splat(1);
  for (let i = share(N, 4, t, T); i < e; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(y + o);
    storeLanes(dx + o, f32x4.mul(f32x4.sub(one, f32x4.mul(v, v)), v128.load(dy + o)), min(4, e - i));
  }
}

// x (N) → y (N) = max(x, 0), a NaN kept (pmax as in tanh4)
export function relu_forward(x: usize, y: usize, N: i32, t: i32, T: i32): void {
  const e = share(N, 4, t + 1, T);
  const zero = f32x4.splat(0);
  for (let i = share(N, 4, t, T); i < e; i += 4) {
    const o = <usize>i << 2;
    storeLanes(y + o, f32x4.pmax(v128.load(x + o), zero), min(4, e - i));
  }
}

// y = relu(x) (N), dy (N) → dx (N) = dy where y > 0
export function relu_backward(y: usize, dy: usize, dx: usize, N: i32, t: i32, T: i32): void {
  const e = share(N, 4, t + 1, T);
  const zero = f32x4.splat(0);
  for (let i = share(N, 4, t, T); i < e; i += 4) {
    const o = <usize>i << 2;
    storeLanes(dx + o, v128.and(v128.load(dy + o), f32x4.gt(v128.load(y + o), zero)), min(4, e - i));
  }
}

// a, b (N) → y (N) = a + b, or a ⊙ b when `product`
export function add_or_multiply(a: usize, b: usize, y: usize, product: i32, N: i32, t: i32, T: i32): void {
  const e = share(N, 4, t + 1, T);
  for (let i = share(N, 4, t, T); i < e; i += 4) {
    const o = <usize>i << 2;
    const u = v128.load(a + o);
    const v = v128.load(b + o);
    storeLanes(y + o, product ? f32x4.mul(u, v) : f32x4.add(u, v), min(4, e - i));
  }
}

// bytes at ptr ← 0: memory.fill, a memset (a TypedArray's fill over shared memory runs about 10×
// slower). Run as one piece.
export function zero_bytes(ptr: usize, bytes: i32, t: i32, T: i32): void {
  memory.fill(ptr, 0, <usize>bytes);
}

// w ← w − lr·g (N)
export function sgd_update(w: usize, g: usize, lr: f32, N: i32, t: i32, T: i32): void {
  const e = share(N, 4, t + 1, T);
  const rate = f32x4.splat(lr);
  for (let i = share(N, 4, t, T); i < e; i += 4) {
    const o = <usize>i << 2;
    storeLanes(w + o, f32x4.sub(v128.load(w + o), f32x4.mul(rate, v128.load(g + o))), min(4, e - i));
  }
}

// AdamW (torch.optim.AdamW's update) in place on each tensor's w, m, v, `count` tensors in one call
// as if they were one array: table holds each tensor's (w, g, m, v, length) as i32s, total is the
// lengths' sum, and pieces share the concatenation. The host passes 1 − β (1 − 0.999 in float32 is
// off by 1e-5), decay = lr·weight decay, and from the bias corrections c1 = 1 − β1^t, c2 = 1 − β2^t
// stepSize = lr / c1 and 1/√c2, as torch.optim.AdamW folds them: one division and one square root a
// vector (m̂ / (√v̂ + ε) spelt out is three divisions and a square root, and divisions bound this loop).
export function adamw_update_all(table: usize, count: i32, total: i32, beta1: f32, beta2: f32, oneMinusBeta1: f32, oneMinusBeta2: f32, eps: f32, decay: f32, stepSize: f32, invSqrtC2: f32, t: i32, T: i32): void {
  const e0 = share(total, 4, t, T);
  const e1 = share(total, 4, t + 1, T);
  let base = 0;
  for (let k = 0; k < count && base < e1; k++) {
    const row = table + <usize>k * 20;
    const n = load<i32>(row, 16);
    const lo = max(e0 - base, 0);
    const hi = min(e1 - base, n);
    if (lo < hi) adamwRange(load<i32>(row), load<i32>(row, 4), load<i32>(row, 8), load<i32>(row, 12), lo, hi, beta1, beta2, oneMinusBeta1, oneMinusBeta2, eps, decay, stepSize, invSqrtC2);
    base += n;
  }
}

// the update of elements [i0, i1)
@inline function adamwRange(w: usize, g: usize, m: usize, v: usize, i0: i32, i1: i32, beta1: f32, beta2: f32, oneMinusBeta1: f32, oneMinusBeta2: f32, eps: f32, decay: f32, stepSize: f32, invSqrtC2: f32): void {
  for (let i = i0; i < i1; i += 4) {
    const o = <usize>i << 2;
    const cols = min(4, i1 - i);
    const gv = v128.load(g + o);
    const mv = f32x4.add(f32x4.mul(f32x4.splat(beta1), v128.load(m + o)), f32x4.mul(f32x4.splat(oneMinusBeta1), gv));
    const vv = f32x4.add(f32x4.mul(f32x4.splat(beta2), v128.load(v + o)), f32x4.mul(f32x4.mul(f32x4.splat(oneMinusBeta2), gv), gv));
    const wv = v128.load(w + o);
    const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vv), f32x4.splat(invSqrtC2)), f32x4.splat(eps));
    storeLanes(m + o, mv, cols);
    storeLanes(v + o, vv, cols);
    storeLanes(w + o, f32x4.sub(f32x4.sub(wv, f32x4.mul(f32x4.splat(decay), wv)), f32x4.mul(f32x4.splat(stepSize), f32x4.div(mv, denom))), cols);
  }
}
