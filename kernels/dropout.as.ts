// Dropout for the WebAssembly SIMD backend: x ⊙ mask with the mask drawn here, four elements at a
// time (kernels/dropout.ts). Element i (from 0) is dropped when its draw u < threshold, the host's
// ⌈p·2³²⌉ (u/2³² < p exactly, for every p ≤ 1 − 2⁻³²), else scaled by keep.

import { lanes, share, storeLanes } from './matmul.as';

const GOLDEN: u32 = 0x6d2b79f5;
// the lanes' offsets 0, 1, 2, 3 times GOLDEN; then drawLanes' two constants (`lanes`)
const OFFSETS = memory.data<u32>([0, GOLDEN, GOLDEN * 2, GOLDEN * 3, 1, 61], 16);

@inline function drawLanes(z: v128): v128 {
  z = i32x4.mul(v128.xor(z, i32x4.shr_u(z, 15)), v128.or(z, lanes(OFFSETS, 4)));
  z = v128.xor(z, i32x4.add(z, i32x4.mul(v128.xor(z, i32x4.shr_u(z, 7)), v128.or(z, lanes(OFFSETS, 5)))));
  return v128.xor(z, i32x4.shr_u(z, 14));
}

// the generator's states of elements i … i + 3: s₀ + (i + 1 … i + 4)·GOLDEN
@inline function statesAt(state: u32, i: i32): v128 {
  return i32x4.add(i32x4.splat(<i32>(state + <u32>(i + 1) * GOLDEN)), v128.load(OFFSETS));
}

// elements i … i + 3's factors: 0 where dropped, else keep (for a kernel that drops as it goes)
@inline export function keepLanes(state: u32, i: i32, threshold: u32, keep: f32): v128 {
  return v128.and(f32x4.splat(keep), i32x4.ge_u(drawLanes(statesAt(state, i)), i32x4.splat(<i32>threshold)));
}

// x (N) → y (N); state: the generator's state before element 0. A piece's last vector may be short:
// its loads run into the allocation's slack (wasm-memory.ts) and only its own lanes are stored.
export function dropout_apply(x: usize, y: usize, state: u32, threshold: u32, keep: f32, N: i32, t: i32, T: i32): void {
  const i1 = share(N, 4, t + 1, T);
  const step4 = i32x4.splat(<i32>(GOLDEN * 4));
  const limit = i32x4.splat(<i32>threshold);
  const keeps = f32x4.splat(keep);
  let i = share(N, 4, t, T);
  let z = statesAt(state, i);
  for (; i < i1; i += 4) {
    const kept = i32x4.ge_u(drawLanes(z), limit);
    const o = <usize>i << 2;
    storeLanes(y + o, f32x4.mul(v128.load(x + o), v128.and(keeps, kept)), min(4, i1 - i));
    z = i32x4.add(z, step4);
  }
}
