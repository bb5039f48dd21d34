// Embedding lookup over a packed batch and its gradient, for the WebAssembly SIMD backend.

import { addRow, share } from './matmul.as';

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
    addRow(dtable + <usize>v * row, dy + <usize>p * row, C);
  }
}
