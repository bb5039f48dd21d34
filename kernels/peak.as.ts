// The machine's multiply-add ceiling for these kernels (bench only, not an op): eight independent
// chains of acc = acc · m + a in f32x4, plain mul then add (no fused or relaxed SIMD), so that every
// cycle has both a multiply and an add in flight whatever their latency. 8 flops per chain step.
// Returns a lane of the sum, so the loop is not optimised away.

export function peak_mul_add(iterations: i32, seed: f32): f32 {
  const m = f32x4.splat(0.999);
  const a = f32x4.splat(seed);
  let c0 = f32x4.splat(seed);
  let c1 = f32x4.splat(seed + 1);
  let c2 = f32x4.splat(seed + 2);
  let c3 = f32x4.splat(seed + 3);
  let c4 = f32x4.splat(seed + 4);
  let c5 = f32x4.splat(seed + 5);
  let c6 = f32x4.splat(seed + 6);
  let c7 = f32x4.splat(seed + 7);
  for (let i = 0; i < iterations; i++) {
    c0 = f32x4.add(f32x4.mul(c0, m), a);
    c1 = f32x4.add(f32x4.mul(c1, m), a);
    c2 = f32x4.add(f32x4.mul(c2, m), a);
    c3 = f32x4.add(f32x4.mul(c3, m), a);
    c4 = f32x4.add(f32x4.mul(c4, m), a);
    c5 = f32x4.add(f32x4.mul(c5, m), a);
    c6 = f32x4.add(f32x4.mul(c6, m), a);
    c7 = f32x4.add(f32x4.mul(c7, m), a);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)), f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7)));
  return f32x4.extract_lane(s, 0);
}

