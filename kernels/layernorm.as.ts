// Per-position LayerNorm for the WebAssembly SIMD backend (kernels/layernorm.ts). Threads share the
// rows for the forward pass and dx, and the channels for dγ and dβ (each walking every row, so no
// two threads add into one channel).

import { share } from './matmul.as';

// row (C) at `row` → its mean
@inline function rowMean(row: usize, C: i32): f32 {
  let sum: f32 = 0;
  for (let c = 0; c < C; c++) sum += load<f32>(row + (<usize>c << 2));
  return sum / <f32>C;
}

// row (C) at `row`, its mean → 1/sqrt(variance + eps)
@inline function rowRstd(row: usize, C: i32, mean: f32, eps: f32): f32 {
  let sq: f32 = 0;
  for (let c = 0; c < C; c++) {
    const d = load<f32>(row + (<usize>c << 2)) - mean;
    sq += d * d;
  }
  return <f32>1 / Mathf.sqrt(sq / <f32>C + eps);
}

// x (P, C), γ, β (C) → y (P, C)
export function ln_forward(x: usize, gamma: usize, beta: usize, eps: f32, y: usize, P: i32, C: i32, t: i32, T: i32): void {
  const e = share(P, 1, t + 1, T);
  for (let p = share(P, 1, t, T); p < e; p++) {
    const row = <usize>p * <usize>C << 2;
    const mean = rowMean(x + row, C);
    const rstd = rowRstd(x + row, C, mean, eps);
    for (let c = 0; c < C; c++) {
      const o = <usize>c << 2;
      store<f32>(y + row + o, (load<f32>(x + row + o) - mean) * rstd * load<f32>(gamma + o) + load<f32>(beta + o));
    }
  }
}

// dy, x (P, C), γ (C) → dx (P, C), and each row's [mean, rstd] into stats (P, 2) for ln_backward_params
export function ln_backward_dx(dy: usize, x: usize, gamma: usize, eps: f32, dx: usize, stats: usize, P: i32, C: i32, t: i32, T: i32): void {
  const e = share(P, 1, t + 1, T);
  for (let p = share(P, 1, t, T); p < e; p++) {
    const row = <usize>p * <usize>C << 2;
    const mean = rowMean(x + row, C);
    const rstd = rowRstd(x + row, C, mean, eps);
    store<f32>(stats + (<usize>p << 3), mean);
    store<f32>(stats + (<usize>p << 3), rstd, 4);
    let meanG: f32 = 0;
    let meanGX: f32 = 0;
    for (let c = 0; c < C; c++) {
      const o = <usize>c << 2;
      const g = load<f32>(dy + row + o) * load<f32>(gamma + o);
      meanG += g;
      meanGX += g * (load<f32>(x + row + o) - mean) * rstd;
    }
    meanG /= <f32>C;
    meanGX /= <f32>C;
    for (let c = 0; c < C; c++) {
      const o = <usize>c << 2;
      const xhat = (load<f32>(x + row + o) - mean) * rstd;
      store<f32>(dx + row + o, rstd * (load<f32>(dy + row + o) * load<f32>(gamma + o) - meanG - xhat * meanGX));
    }
  }
}

// dy, x (P, C), the rows' [mean, rstd] (P, 2) from ln_backward_dx → dγ += Σ_p dy·x̂, dβ += Σ_p dy (C)
export function ln_backward_params(dy: usize, x: usize, stats: usize, dgamma: usize, dbeta: usize, P: i32, C: i32, t: i32, T: i32): void {
  const c0 = share(C, 1, t, T);
  const c1 = share(C, 1, t + 1, T);
  if (c0 >= c1) return;
  for (let p = 0; p < P; p++) {
    const row = <usize>p * <usize>C << 2;
    const mean = load<f32>(stats + (<usize>p << 3));
    const rstd = load<f32>(stats + (<usize>p << 3), 4);
    for (let c = c0; c < c1; c++) {
      const o = <usize>c << 2;
      const g = load<f32>(dy + row + o);
      store<f32>(dgamma + o, load<f32>(dgamma + o) + g * (load<f32>(x + row + o) - mean) * rstd);
      store<f32>(dbeta + o, load<f32>(dbeta + o) + g);
    }
  }
}
