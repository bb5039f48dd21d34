// Shared by the kernel tests: run a suite once per backend available here (and say, in the output,
// which ran and why the others did not), fixed random inputs, and the float32 tolerance.

import { afterAll, beforeAll, describe, expect, it, TestRunner } from 'vitest';
import { testBackends } from './test-backends.ts';
import type { OpenOps } from '../src/engine/open-ops.ts';
import { PythonRandom } from '../src/rng.ts';

declare module 'vitest' {
  interface TaskMeta {
    /** The largest max |a − ref| / max |ref| of the test's comparisons: scripts/kernel-errors.mjs tabulates it from the JSON report. */
    maxError?: number;
  }
}

/** Kernels compute in float32 (the cpu backend in float64): max |a − ref| ≤ TOLERANCE · max |ref|. */
export const TOLERANCE = 1e-5;

/**
 * Runs `body` once per backend available here (the reference too when `withReference`), each on
 * fresh ops; unavailable backends show as skipped, with why.
 */
export function describeBackends(title: string, body: (ops: () => OpenOps, backend: string) => void, withReference = false): void {
  const { available, unavailable } = testBackends(withReference);
  const why = unavailable.map((u) => `${u.name} (${u.reason})`).join('; ') || 'none';
  console.log(`${title}: backends run: ${available.map((b) => b.name).join(', ')}; unavailable: ${why}`);
  for (const backend of available) {
    describe(`${title} [${backend.name}]`, () => {
      let ops: OpenOps;
      beforeAll(async () => {
        ops = await backend.open();
      });
      afterAll(() => ops.destroy());
      body(() => ops, backend.name);
    });
  }
  for (const { name, reason } of unavailable) {
    describe.skip(`${title} [${name}] unavailable: ${reason}`, () => {
      it('not run', () => {});
    });
  }
}

/** A copy of `base` with `delta` added: what an accumulating op leaves in a buffer that held `base`. */
export function plus(base: Float32Array, delta: ArrayLike<number>): Float32Array {
  return base.map((v, i) => v + delta[i]);
}

export function gaussian(rng: PythonRandom, n: number, sigma = 1): Float32Array {
  return Float32Array.from({ length: n }, () => rng.gauss(0, sigma));
}

/** `start` for words of the given lengths packed end to end (kernels/layout.ts). */
export function packedStart(lengths: number[]): Int32Array {
  const start = new Int32Array(lengths.reduce((a, b) => a + b, 0));
  let p = 0;
  for (const length of lengths) {
    const first = p;
    for (let i = 0; i < length; i++) start[p++] = first;
  }
  return start;
}

/**
 * P = 101 over 13 words (large enough to be split over threads, kernels/matmul.as.ts `share`); and
 * P = 37 over 5 words of different lengths, a one-position word among them and a short word last
 * (so taps clamp, and backward gathers run into the end of the batch); and a batch of tiny words
 * shorter than every receptive field, which also changes P between calls on the same kernels.
 */
export const LAYOUTS: { name: string; lengths: number[] }[] = [
  { name: 'P=37, words 6,1,17,9,4', lengths: [6, 1, 17, 9, 4] },
  { name: 'P=8, words 1,2,1,3,1', lengths: [1, 2, 1, 3, 1] },
  // enough positions for the wasm backend to split the kernels into pieces over its threads
  { name: 'P=101, 13 words', lengths: [9, 3, 12, 7, 1, 8, 10, 6, 5, 11, 4, 16, 9] },
];

export function expectClose(actual: Float32Array, expected: ArrayLike<number>, tolerance = TOLERANCE): void {
  expect(actual).toBeInstanceOf(Float32Array);
  expect(actual.length).toBe(expected.length);
  let diff = 0;
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (d > diff) [diff, worst] = [d, i];
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  const bound = tolerance * Math.max(scale, Number.MIN_VALUE);
  const meta = TestRunner.getCurrentTest()?.meta;
  if (meta) meta.maxError = Math.max(meta.maxError ?? 0, diff / Math.max(scale, Number.MIN_VALUE));
  expect(diff, `max |diff| ${diff.toExponential(2)} at ${worst} (got ${actual[worst]}, want ${expected[worst]}), bound ${bound.toExponential(2)}`).toBeLessThanOrEqual(bound);
}

/** Tensor-relative error: max |a − b| / max |b| (elements far below the tensor's scale are judged at that scale). */
export function maxRelError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? diff : diff / scale;
}
