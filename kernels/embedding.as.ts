// Embedding lookup over a packed batch and its gradient, for the WebAssembly SIMD backend.

import { share } from './matmul.as';

// table (V, C), idx (P) i32 → y (P, C)
export function embedding_forward(table: usize, idx: usize, y: usize, P: i32, C: i32, t: i32, T: i32): void {
  const row = <usize>C << 2;
  const e = share(P, 1, t + 1, T);
  for (let p = share(P, 1, t, T); p < e; p++) memory.copy(y + <usize>p * row, table + <usize>load<i32>(idx + (<usize>p << 2)) * row, row);
}

// dy (P, C), idx (P) → dtable (V, C) += each position's dy on the row it read. Threads share the
// table's rows, each walking every position, so no two add into one row.
export function embedding_backward(dy: usize, idx: usize, dtable: usize, P: i32, V: i32, C: i32, t: i32, T: i32): void {
  const v0 = share(V, 1, t, T);
  const v1 = share(V, 1, t + 1, T);
  const row = <usize>C << 2;
  for (let p = 0; p < P; p++) {
    const v = load<i32>(idx + (<usize>p << 2));
    if (v < v0 || v >= v1) continue;
    const src = dy + <usize>p * row;
    const dst = dtable + <usize>v * row;
    let c = 0;
    for (; c + 4 <= C; c += 4) {
      const o = <usize>c << 2;
      v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
    }
    for (; c < C; c++) {
      const o = <usize>c << 2;
      store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
    }
  }
}
