// The physical limit of the wasm kernels on one thread: peak multiply-add throughput of plain f32x4
// mul + add (kernels/peak.as.ts: twelve independent chains, nothing loaded or stored), in GFLOP/s.
// The product kernels' GFLOP/s over this is how much of the core's SIMD arithmetic they use.

import { WASM_KERNELS_BASE64 } from '../kernels/wasm-binary.generated.ts';
import { measureRate, type Budget } from './measure.ts';

/** flops per iteration of peak_mul_add: 12 chains × 4 lanes × (one mul + one add). */
export const PEAK_FLOPS_PER_ITERATION = 96;
const ITERATIONS_PER_CALL = 1 << 20;

/** GFLOP/s of peak_mul_add on this thread. */
export async function peakMulAddGflops(budget: Budget): Promise<number> {
  const bytes = Uint8Array.from(atob(WASM_KERNELS_BASE64), (c) => c.charCodeAt(0));
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
