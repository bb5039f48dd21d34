// The linear head and softmax cross-entropy over a packed batch.

export interface HeadShape {
  P: number;
  H: number;
  V: number;
}

// h (P, H), w (H, V), b (V) → logits (P, V)
export function headForwardRef(h: Float32Array, w: Float32Array, b: Float32Array, s: HeadShape): Float32Array {
  const logits = new Float32Array(s.P * s.V);
  for (let p = 0; p < s.P; p++) {
    for (let v = 0; v < s.V; v++) {
      let acc = b[v];
      for (let k = 0; k < s.H; k++) acc += h[p * s.H + k] * w[k * s.V + v];
      logits[p * s.V + v] = acc;
    }
  }
  return logits;
}

// logits (P, V), target (P), weight (P) → loss (P) = weight·(−log softmax[target]),
// dlogits (P, V) = weight·(softmax − onehot). A weight of 0 masks a position; 1/N gives the mean.
export function crossEntropyRef(logits: Float32Array, target: Int32Array, weight: Float32Array, s: HeadShape): { loss: Float32Array; dlogits: Float32Array } {
  const loss = new Float32Array(s.P);
  const dlogits = new Float32Array(s.P * s.V);
  for (let p = 0; p < s.P; p++) {
    const row = logits.subarray(p * s.V, (p + 1) * s.V);
    let max = -Infinity;
    for (let v = 0; v < s.V; v++) max = Math.max(max, row[v]);
    let sum = 0;
    for (let v = 0; v < s.V; v++) sum += Math.exp(row[v] - max);
    const logSum = max + Math.log(sum);
    loss[p] = weight[p] * (logSum - row[target[p]]);
    for (let v = 0; v < s.V; v++) dlogits[p * s.V + v] = weight[p] * (Math.exp(row[v] - logSum) - (v === target[p] ? 1 : 0));
  }
  return { loss, dlogits };
}

// dlogits (P, V), h (P, H), w (H, V) → dh (P, H), dw (H, V), db (V)
export function headBackwardRef(dlogits: Float32Array, h: Float32Array, w: Float32Array, s: HeadShape): { dh: Float32Array; dw: Float32Array; db: Float32Array } {
  const dh = new Float32Array(s.P * s.H);
  const dw = new Float32Array(s.H * s.V);
  const db = new Float32Array(s.V);
  for (let p = 0; p < s.P; p++) {
    for (let v = 0; v < s.V; v++) {
      const g = dlogits[p * s.V + v];
      db[v] += g;
      for (let k = 0; k < s.H; k++) {
        dh[p * s.H + k] += g * w[k * s.V + v];
        dw[k * s.V + v] += h[p * s.H + k] * g;
      }
    }
  }
  return { dh, dw, db };
}
