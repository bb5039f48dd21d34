// Relaxed SIMD in Node: on by default from Node 22, behind a V8 flag in Node 20. The flag can be set
// from inside the process before the kernels compile, so the CLI (and the bench, and the tests) turn
// it on themselves: a user never types a V8 flag. Node-only.

import { setFlagsFromString } from 'node:v8';
import { relaxedSimdAvailable } from './wasm-ops.ts';

/** Lets this process run the kernels' relaxed-SIMD build where its V8 can; whether it now can. */
export function enableRelaxedSimd(): boolean {
  if (!relaxedSimdAvailable()) setFlagsFromString('--experimental-wasm-relaxed-simd');
  return relaxedSimdAvailable();
}
