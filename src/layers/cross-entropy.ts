import { zeros, type Tensor } from '../tensor.ts';

// logits (N, V), targets (N) → mean negative log-likelihood, and dlogits = (softmax − onehot)/N;
// with label smoothing X, against q = (1 − X)·onehot + X/V: loss −Σ q·log p, dlogits (softmax − q)/N
export function crossEntropy(logits: Tensor, targets: ArrayLike<number>, smoothing = 0): { loss: number; dlogits: Tensor } {
  const [N, V] = logits.shape;
  if (targets.length !== N) throw new Error(`crossEntropy: ${N} rows of logits but ${targets.length} targets`);
  const dlogits = zeros(logits.shape);
  let total = 0;
  for (let n = 0; n < N; n++) {
    const row = logits.data.subarray(n * V, (n + 1) * V);
    let max = -Infinity;
    for (let v = 0; v < V; v++) max = Math.max(max, row[v]);
    let sum = 0;
    for (let v = 0; v < V; v++) sum += Math.exp(row[v] - max);
    const logSum = Math.log(sum) + max;
    total += logSum - row[targets[n]];
    for (let v = 0; v < V; v++) dlogits.data[n * V + v] = Math.exp(row[v] - logSum) / N;
    dlogits.data[n * V + targets[n]] -= 1 / N;
    if (smoothing > 0) {
      let sum = 0;
      for (let v = 0; v < V; v++) sum += row[v];
      total += smoothing * (row[targets[n]] - sum / V);
      for (let v = 0; v < V; v++) dlogits.data[n * V + v] -= smoothing / V / N;
      dlogits.data[n * V + targets[n]] += smoothing / N;
    }
  }
  return { loss: total / N, dlogits };
}
