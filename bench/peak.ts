// The physical limit of the wasm kernels on one thread: peak multiply-add throughput of f32x4 chains
// (kernels/peak.as.ts: twelve independent chains, nothing loaded or stored), in GFLOP/s, in the plain
// build (mul then add) or the relaxed one (relaxed_madd). The product kernels' GFLOP/s over their
// build's ceiling is how much of the core's SIMD arithmetic they use.

import { WASM_KERNELS_BASE64, WASM_KERNELS_RELAXED_BASE64 } from '../kernels/wasm-binary.generated.ts';
import type { SimdVariant } from '../src/engine/wasm-ops.ts';
import { measureRate, type Budget } from './measure.ts';

/** flops per iteration of peak_mul_add: 12 chains × 4 lanes × (one mul + one add). */
export const PEAK_FLOPS_PER_ITERATION = 96;
const ITERATIONS_PER_CALL = 1 << 20;

/** GFLOP/s of the `simd` build's peak_mul_add on this thread. */
export async function peakMulAddGflops(budget: Budget, simd: SimdVariant): Promise<number> {
  const bytes = Uint8Array.from(atob(simd === 'relaxed' ? WASM_KERNELS_RELAXED_BASE64 : WASM_KERNELS_BASE64), (c) => c.charCodeAt(0));
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
  const { instance } = await WebAssembly.instantiate(bytes, { env: { memory } });
  const peak = instance.exports.peak_mul_add as (iterations: number, seed: number) => number;
  let sink = 0;
  const rate = await measureRate(() => {
    sink += peak(ITERATIONS_PER_CALL, 1 + (sink & 1));
    return ITERATIONS_PER_CALL * PEAK_FLOPS_PER_ITERATION;
  }, budget);
  if (!Number.isFinite(sink)) throw new Error('peak_mul_add: not a finite sum');
  return rate.perSecond / 1e9;
}
