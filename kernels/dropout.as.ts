// Dropout for the WebAssembly SIMD backend: x ⊙ mask with the mask drawn here, four elements at a
// time (kernels/dropout.ts). Element i (from 0) is dropped when its draw u < threshold, the host's
// ⌈p·2³²⌉ (u/2³² < p exactly, for every p ≤ 1 − 2⁻³²), else scaled by keep.

import { share } from './matmul.as';

const GOLDEN: u32 = 0x6d2b79f5;

@inline function draw(z: u32): u32 {
  z = (z ^ (z >>> 15)) * (z | 1);
  z ^= z + (z ^ (z >>> 7)) * (z | 61);
  return z ^ (z >>> 14);
}

@inline function drawLanes(z: v128): v128 {
  z = i32x4.mul(v128.xor(z, i32x4.shr_u(z, 15)), v128.or(z, i32x4.splat(1)));
  z = v128.xor(z, i32x4.add(z, i32x4.mul(v128.xor(z, i32x4.shr_u(z, 7)), v128.or(z, i32x4.splat(61)))));
  return v128.xor(z, i32x4.shr_u(z, 14));
}

// elements i … i + 3's factors: 0 where dropped, else keep (for a kernel that drops as it goes)
@inline export function keepLanes(state: u32, i: i32, threshold: u32, keep: f32): v128 {
  const z = i32x4.add(i32x4.splat(<i32>(state + <u32>(i + 1) * GOLDEN)), i32x4(0, <i32>GOLDEN, <i32>(GOLDEN * 2), <i32>(GOLDEN * 3)));
  return v128.andnot(f32x4.splat(keep), i32x4.lt_u(drawLanes(z), i32x4.splat(<i32>threshold)));
}

// x (N) → y (N); state: the generator's state before element 0
export function dropout_apply(x: usize, y: usize, state: u32, threshold: u32, keep: f32, N: i32, t: i32, T: i32): void {
  const i0 = share(N, 4, t, T);
  const i1 = share(N, 4, t + 1, T);
  const step4 = i32x4.splat(<i32>(GOLDEN * 4));
  const limit = i32x4.splat(<i32>threshold);
  const keeps = f32x4.splat(keep);
  let i = i0;
  // lanes i … i + 3 at states s₀ + (i + 1 … i + 4)·GOLDEN
  let z = i32x4.add(i32x4.splat(<i32>(state + <u32>(i + 1) * GOLDEN)), i32x4(0, <i32>GOLDEN, <i32>(GOLDEN * 2), <i32>(GOLDEN * 3)));
  for (; i + 4 <= i1; i += 4) {
    const dropped = i32x4.lt_u(drawLanes(z), limit);
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.mul(v128.load(x + o), v128.andnot(keeps, dropped)));
    z = i32x4.add(z, step4);
  }
  for (; i < i1; i++) {
    const u = draw(state + <u32>(i + 1) * GOLDEN);
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(x + o) * (u < threshold ? 0 : keep));
  }
}
