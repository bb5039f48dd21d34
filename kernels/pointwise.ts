// Elementwise kernels: tanh and its backward, and the optimizer updates (flat arrays of any length).

// x (N) → y (N)
export function tanhForwardRef(x: Float32Array): Float32Array {
  return x.map(Math.tanh);
}

// y = tanh(x) (N), dy (N) → dx (N) = (1 − y²)·dy
export function tanhBackwardRef(y: Float32Array, dy: Float32Array): Float32Array {
  return y.map((v, i) => (1 - v * v) * dy[i]);
}

// SGD: w ← w − lr·g (in place)
export function sgdUpdateRef(w: Float32Array, g: Float32Array, lr: number): void {
  for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
}

export interface AdamWHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  step: number; // 1-based, for bias correction
}

// AdamW (decoupled weight decay, torch.optim.AdamW's update), in place on w, m, v
export function adamwUpdateRef(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, h: AdamWHyper): void {
  const c1 = 1 - h.beta1 ** h.step;
  const c2 = 1 - h.beta2 ** h.step;
  for (let i = 0; i < w.length; i++) {
    m[i] = h.beta1 * m[i] + (1 - h.beta1) * g[i];
    v[i] = h.beta2 * v[i] + (1 - h.beta2) * g[i] * g[i];
    w[i] -= h.lr * ((m[i] / c1) / (Math.sqrt(v[i] / c2) + h.eps) + h.weightDecay * w[i]);
  }
}
