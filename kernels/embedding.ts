// Embedding lookup over a packed batch and its gradient.

// table (V, C), idx (P) → y (P, C)
export function embeddingForwardRef(table: Float32Array, idx: Int32Array, C: number): Float32Array {
  const y = new Float32Array(idx.length * C);
  for (let p = 0; p < idx.length; p++) y.set(table.subarray(idx[p] * C, (idx[p] + 1) * C), p * C);
  return y;
}

// dy (P, C), idx (P) → dtable (V, C): each row sums the gradients of the positions that read it
export function embeddingBackwardRef(dy: Float32Array, idx: Int32Array, V: number, C: number): Float32Array {
  const dtable = new Float32Array(V * C);
  for (let p = 0; p < idx.length; p++) for (let c = 0; c < C; c++) dtable[idx[p] * C + c] += dy[p * C + c];
  return dtable;
}
