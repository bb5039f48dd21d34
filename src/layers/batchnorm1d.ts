import type { Layer, Mode } from './layer.ts';
import type { ParamSet, Grads } from '../params.ts';
import { zeros, type Tensor } from '../tensor.ts';

const BN_MOMENTUM = 0.1;
export const BN_EPS = 1e-5;

// x (N, C) or (B, T, C) → y, same shape. Statistics over every dimension but the last: dims (0)
// for 2-D and (0, 1) for 3-D, as the lecture's fixed BatchNorm1d. Training normalises with the
// *unbiased* batch variance (torch.var's default, which the lecture used) and feeds the same
// variance to the running buffer; eval uses the buffers.
export class BatchNorm1d implements Layer {
  private xhat: Float32Array | null = null;
  private invStd: Float64Array | null = null;
  private trainedOnBatch = false;

  constructor(
    private readonly params: ParamSet,
    private readonly prefix: string,
  ) {}

  forward(x: Tensor, mode: Mode): Tensor {
    const gamma = this.params.get(`${this.prefix}.weight`).data;
    const beta = this.params.get(`${this.prefix}.bias`).data;
    const runMean = this.params.get(`${this.prefix}.running_mean`).data;
    const runVar = this.params.get(`${this.prefix}.running_var`).data;
    const C = gamma.length;
    const N = x.data.length / C;
    const mean = new Float64Array(C);
    const variance = new Float64Array(C);
    if (mode === 'train') {
      if (N < 2) throw new Error(`BatchNorm1d ${this.prefix}: training needs at least 2 rows for the unbiased variance`);
      batchStatistics(x.data, N, C, mean, variance);
      updateRunning(runMean, mean);
      updateRunning(runVar, variance);
    } else {
      mean.set(runMean);
      variance.set(runVar);
    }
    const invStd = variance.map((v) => 1 / Math.sqrt(v + BN_EPS));
    const y = zeros(x.shape);
    const xhat = new Float32Array(x.data.length);
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        const i = n * C + c;
        xhat[i] = (x.data[i] - mean[c]) * invStd[c];
        y.data[i] = gamma[c] * xhat[i] + beta[c];
      }
    }
    this.xhat = xhat;
    this.invStd = invStd;
    this.trainedOnBatch = mode === 'train';
    return y;
  }

  // Train: dx = γ·invStd·(dy − mean(dy) − x̂·Σ(dy·x̂)/(N−1)); the N−1 is the unbiased variance's.
  // Eval: the statistics are constants, dx = γ·invStd·dy.
  backward(dy: Tensor, grads: Grads): Tensor {
    const xhat = this.xhat!;
    const invStd = this.invStd!;
    const gamma = this.params.get(`${this.prefix}.weight`).data;
    const dGamma = grads.get(`${this.prefix}.weight`)!.data;
    const dBeta = grads.get(`${this.prefix}.bias`)!.data;
    const C = gamma.length;
    const N = xhat.length / C;
    const sumDy = new Float64Array(C);
    const sumDyXhat = new Float64Array(C);
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        const i = n * C + c;
        sumDy[c] += dy.data[i];
        sumDyXhat[c] += dy.data[i] * xhat[i];
      }
    }
    for (let c = 0; c < C; c++) {
      dGamma[c] += sumDyXhat[c];
      dBeta[c] += sumDy[c];
    }
    const dx = zeros(dy.shape);
    for (let n = 0; n < N; n++) {
      for (let c = 0; c < C; c++) {
        const i = n * C + c;
        const centred = this.trainedOnBatch ? dy.data[i] - sumDy[c] / N - (xhat[i] * sumDyXhat[c]) / (N - 1) : dy.data[i];
        dx.data[i] = gamma[c] * invStd[c] * centred;
      }
    }
    return dx;
  }
}

/** The running buffer's update (no gradient): buffer ← (1 − momentum)·buffer + momentum·batch value. Shared with the conv form. */
export function updateRunning(buffer: Float32Array, batchValue: ArrayLike<number>): void {
  for (let c = 0; c < buffer.length; c++) buffer[c] = (1 - BN_MOMENTUM) * buffer[c] + BN_MOMENTUM * batchValue[c];
}

/** Mean and unbiased variance of each of C columns over N rows (two-pass, in float64). */
function batchStatistics(x: Float32Array, N: number, C: number, mean: Float64Array, variance: Float64Array): void {
  mean.fill(0);
  variance.fill(0);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) mean[c] += x[n * C + c];
  for (let c = 0; c < C; c++) mean[c] /= N;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const d = x[n * C + c] - mean[c];
      variance[c] += d * d;
    }
  }
  for (let c = 0; c < C; c++) variance[c] /= N - 1;
}
