// The machine's multiply-add ceiling for these kernels (bench only, not an op): twelve independent
// chains of acc = acc · m + a in f32x4 through matmul.as.ts's madd: mul then add in the plain build,
// relaxed_madd (fused where the engine fuses) in the relaxed one. Twelve keep
// every SIMD pipe busy where mul and add have their own two pipes each at 3 cycles' latency (AMD Zen:
// 12 chains × 2 ops / 6 cycles = 4 a cycle) and where two shared pipes take 4 (Intel), and still fit
// x64's 16 vector registers with m and a (eight would leave a Zen core two thirds busy).
// 8 flops per chain step.
// Returns a lane of the sum, so the loop is not optimised away.

import { madd } from './matmul.as';

// c · m + a, with the products' own multiply-add
@inline function step(c: v128, m: v128, a: v128): v128 {
  return madd(a, c, m);
}

export function peak_mul_add(iterations: i32, seed: f32): f32 {
  const m = f32x4.splat(0.999);
  const a = f32x4.splat(seed);
  let c0 = f32x4.splat(seed + 0);
  let c1 = f32x4.splat(seed + 1);
  let c2 = f32x4.splat(seed + 2);
  let c3 = f32x4.splat(seed + 3);
  let c4 = f32x4.splat(seed + 4);
  let c5 = f32x4.splat(seed + 5);
  let c6 = f32x4.splat(seed + 6);
  let c7 = f32x4.splat(seed + 7);
  let c8 = f32x4.splat(seed + 8);
  let c9 = f32x4.splat(seed + 9);
  let c10 = f32x4.splat(seed + 10);
  let c11 = f32x4.splat(seed + 11);
  for (let i = 0; i < iterations; i++) {
    c0 = step(c0, m, a);
    c1 = step(c1, m, a);
    c2 = step(c2, m, a);
    c3 = step(c3, m, a);
    c4 = step(c4, m, a);
    c5 = step(c5, m, a);
    c6 = step(c6, m, a);
    c7 = step(c7, m, a);
    c8 = step(c8, m, a);
    c9 = step(c9, m, a);
    c10 = step(c10, m, a);
    c11 = step(c11, m, a);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)), f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7))), f32x4.add(f32x4.add(c8, c9), f32x4.add(c10, c11)));
  return f32x4.extract_lane(s, 0);
}

