// The linear head and softmax cross-entropy over a packed batch for the WebAssembly SIMD backend;
// head_cross_entropy fuses them, so each row's logits are still in cache for its softmax.

import { columnSums } from './conv1d.as';
import { FROM_BIAS, FROM_ZERO, matmulRows, matmulTransposedA, share, storeLanes, TILE_ROWS } from './matmul.as';
import { exp4 } from './pointwise.as';

// h (P, H), w (H, V), b (V) → logits (P, V)
export function head_forward(h: usize, w: usize, b: usize, logits: usize, P: i32, H: i32, V: i32, t: i32, T: i32): void {
  matmulRows(logits, h, H, 0, 0, w, H, V, share(P, TILE_ROWS, t, T), share(P, TILE_ROWS, t + 1, T), FROM_BIAS, b);
}

// logits (P, V), target (P) i32, weight (P) → loss (P) = weight·(−log softmax[target]),
// dlogits (P, V) = weight·(softmax − onehot)
export function cross_entropy(logits: usize, target: usize, weight: usize, loss: usize, dlogits: usize, P: i32, V: i32, t: i32, T: i32): void {
  const r1 = share(P, TILE_ROWS, t + 1, T);
  for (let r = share(P, TILE_ROWS, t, T); r < r1; r++) crossEntropyRow(logits, target, weight, loss, dlogits, r, V);
}

// h (P, H), w (H, V), b (V), target, weight (P) → logits (P, V), loss (P), dlogits (P, V): both above,
// a product tile's rows at a time (a shorter chunk would repeat rows of the tile)
export function head_cross_entropy(h: usize, w: usize, b: usize, target: usize, weight: usize, logits: usize, loss: usize, dlogits: usize, P: i32, H: i32, V: i32, t: i32, T: i32): void {
  const r0 = share(P, TILE_ROWS, t, T);
  const r1 = share(P, TILE_ROWS, t + 1, T);
  for (let r = r0; r < r1; r += TILE_ROWS) {
    const e = min(r + TILE_ROWS, r1);
    matmulRows(logits, h, H, 0, 0, w, H, V, r, e, FROM_BIAS, b);
    for (let q = r; q < e; q++) crossEntropyRow(logits, target, weight, loss, dlogits, q, V);
  }
}

function crossEntropyRow(logits: usize, target: usize, weight: usize, loss: usize, dlogits: usize, r: i32, V: i32): void {
  const z = logits + ((<usize>r * V) << 2);
  const dz = dlogits + ((<usize>r * V) << 2);
  let top = load<f32>(z);
  for (let v = 1; v < V; v++) top = max(top, load<f32>(z + (<usize>v << 2)));
  const shift = f32x4.splat(top);
  let sum: f32 = 0;
  for (let v = 0; v < V; v += 4) {
    const e = exp4(f32x4.sub(v128.load(z + (<usize>v << 2)), shift));
    sum += f32x4.extract_lane(e, 0);
    if (v + 1 < V) sum += f32x4.extract_lane(e, 1);
    if (v + 2 < V) sum += f32x4.extract_lane(e, 2);
    if (v + 3 < V) sum += f32x4.extract_lane(e, 3);
  }
  const lse = top + Mathf.log(sum);
  const k = load<i32>(target + (<usize>r << 2));
  const wt = load<f32>(weight + (<usize>r << 2));
  store<f32>(loss + (<usize>r << 2), wt * (lse - load<f32>(z + (<usize>k << 2))));
  const scale = f32x4.splat(wt);
  const level = f32x4.splat(lse);
  for (let v = 0; v < V; v += 4) {
    const o = <usize>v << 2;
    storeLanes(dz + o, f32x4.mul(scale, exp4(f32x4.sub(v128.load(z + o), level))), min(4, V - v));
  }
  store<f32>(dz + (<usize>k << 2), load<f32>(dz + (<usize>k << 2)) - wt);
}

// dlogits (P, V), wT (V, H) (transpose_blocks of w) → dh (P, H)
export function head_backward_input(dlogits: usize, wT: usize, dh: usize, P: i32, H: i32, V: i32, t: i32, T: i32): void {
  matmulRows(dh, dlogits, V, 0, 0, wT, V, H, share(P, TILE_ROWS, t, T), share(P, TILE_ROWS, t + 1, T), FROM_ZERO, 0);
}

// dlogits (P, V), h (P, H), hT: scratch (H, P) → dw (H, V) += hᵀ·dlogits, db (V) += Σ_p dlogits[p]
export function head_backward_weight(dlogits: usize, h: usize, dw: usize, db: usize, hT: usize, P: i32, H: i32, V: i32, t: i32, T: i32): void {
  matmulTransposedA(dw, h, H, 0, 0, dlogits, V, P, share(H, TILE_ROWS, t, T), share(H, TILE_ROWS, t + 1, T), hT);
  columnSums(dlogits, P, V, db, share(V, 4, t, T), share(V, 4, t + 1, T));
}
