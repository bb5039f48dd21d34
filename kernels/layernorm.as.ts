// Per-position LayerNorm for the WebAssembly SIMD backend (kernels/layernorm.ts). Threads share the
// rows for the forward pass and dx, and the channels for dγ and dβ (each walking every row, so no
// two threads add into one channel).

import { share } from './matmul.as';

// row (C) at `row` → [mean, 1/sqrt(variance + eps)] written to `out`
@inline function rowStats(row: usize, C: i32, eps: f32, out: usize): void {
  let sum: f32 = 0;
  for (let c = 0; c < C; c++) sum += load<f32>(row + (<usize>c << 2));
  const mean = sum / <f32>C;
  let sq: f32 = 0;
  for (let c = 0; c < C; c++) {
    const d = load<f32>(row + (<usize>c << 2)) - mean;
    sq += d * d;
  }
  store<f32>(out, mean);
  store<f32>(out, <f32>1 / Mathf.sqrt(sq / <f32>C + eps), 4);
}

// x (P, C), γ, β (C) → y (P, C); scratch: 8 bytes a thread
export function ln_forward(x: usize, gamma: usize, beta: usize, eps: f32, y: usize, P: i32, C: i32, scratch: usize, t: i32, T: i32): void {
  const stats = scratch + (<usize>t << 3);
  const e = share(P, 1, t + 1, T);
  for (let p = share(P, 1, t, T); p < e; p++) {
    const row = <usize>p * <usize>C << 2;
    rowStats(x + row, C, eps, stats);
    const mean = load<f32>(stats);
    const rstd = load<f32>(stats, 4);
    for (let c = 0; c < C; c++) {
      const o = <usize>c << 2;
      store<f32>(y + row + o, (load<f32>(x + row + o) - mean) * rstd * load<f32>(gamma + o) + load<f32>(beta + o));
    }
  }
}

// dy, x (P, C), γ (C) → dx (P, C)
export function ln_backward_dx(dy: usize, x: usize, gamma: usize, eps: f32, dx: usize, P: i32, C: i32, scratch: usize, t: i32, T: i32): void {
  const stats = scratch + (<usize>t << 3);
  const e = share(P, 1, t + 1, T);
  for (let p = share(P, 1, t, T); p < e; p++) {
    const row = <usize>p * <usize>C << 2;
    rowStats(x + row, C, eps, stats);
    const mean = load<f32>(stats);
    const rstd = load<f32>(stats, 4);
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

// dy, x (P, C) → dγ += Σ_p dy·x̂, dβ += Σ_p dy (C)
export function ln_backward_params(dy: usize, x: usize, eps: f32, dgamma: usize, dbeta: usize, P: i32, C: i32, scratch: usize, t: i32, T: i32): void {
  const stats = scratch + (<usize>t << 3);
  const c0 = share(C, 1, t, T);
  const c1 = share(C, 1, t + 1, T);
  if (c0 >= c1) return;
  for (let p = 0; p < P; p++) {
    const row = <usize>p * <usize>C << 2;
    rowStats(x + row, C, eps, stats);
    const mean = load<f32>(stats);
    const rstd = load<f32>(stats, 4);
    for (let c = c0; c < c1; c++) {
      const o = <usize>c << 2;
      const g = load<f32>(dy + row + o);
      store<f32>(dgamma + o, load<f32>(dgamma + o) + g * (load<f32>(x + row + o) - mean) * rstd);
      store<f32>(dbeta + o, load<f32>(dbeta + o) + g);
    }
  }
}
