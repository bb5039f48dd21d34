// BatchNorm over the P positions of a packed batch (every position is a real node; layout.ts).
// Training statistics use the unbiased variance, as the lecture's BatchNorm1d.

export interface BnShape {
  P: number;
  C: number;
}

// x (P, C) → mean (C), var (C) unbiased
export function bnStatsRef(x: Float32Array, s: BnShape): { mean: Float32Array; variance: Float32Array } {
  const mean = new Float32Array(s.C);
  const variance = new Float32Array(s.C);
  for (let c = 0; c < s.C; c++) {
    let sum = 0;
    for (let p = 0; p < s.P; p++) sum += x[p * s.C + c];
    const m = sum / s.P;
    let sq = 0;
    for (let p = 0; p < s.P; p++) sq += (x[p * s.C + c] - m) ** 2;
    mean[c] = m;
    variance[c] = sq / (s.P - 1);
  }
  return { mean, variance };
}

// x (P, C), mean, var, γ, β (C) → y (P, C) = γ·(x − mean)/√(var + eps) + β
export function bnForwardRef(x: Float32Array, mean: Float32Array, variance: Float32Array, gamma: Float32Array, beta: Float32Array, eps: number, s: BnShape): Float32Array {
  const y = new Float32Array(s.P * s.C);
  for (let p = 0; p < s.P; p++) {
    for (let c = 0; c < s.C; c++) {
      const i = p * s.C + c;
      y[i] = (gamma[c] * (x[i] - mean[c])) / Math.sqrt(variance[c] + eps) + beta[c];
    }
  }
  return y;
}

// dy, x (P, C), batch mean/var, γ (C) → dx (P, C), dγ, dβ (C). `training` false: statistics are constants.
export function bnBackwardRef(
  dy: Float32Array,
  x: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  gamma: Float32Array,
  eps: number,
  training: boolean,
  s: BnShape,
): { dx: Float32Array; dgamma: Float32Array; dbeta: Float32Array } {
  const dx = new Float32Array(s.P * s.C);
  const dgamma = new Float32Array(s.C);
  const dbeta = new Float32Array(s.C);
  for (let c = 0; c < s.C; c++) {
    const invStd = 1 / Math.sqrt(variance[c] + eps);
    let sumDy = 0;
    let sumDyXhat = 0;
    for (let p = 0; p < s.P; p++) {
      const i = p * s.C + c;
      sumDy += dy[i];
      sumDyXhat += dy[i] * (x[i] - mean[c]) * invStd;
    }
    dgamma[c] = sumDyXhat;
    dbeta[c] = sumDy;
    for (let p = 0; p < s.P; p++) {
      const i = p * s.C + c;
      const xhat = (x[i] - mean[c]) * invStd;
      const centred = training ? dy[i] - sumDy / s.P - (xhat * sumDyXhat) / (s.P - 1) : dy[i];
      dx[i] = gamma[c] * invStd * centred;
    }
  }
  return { dx, dgamma, dbeta };
}
