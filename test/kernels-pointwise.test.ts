// The elementwise and optimizer ops of every backend (kernels/pointwise.ts, pointwise.as.ts) against the references.

import { describe, it } from 'vitest';
import { adamwUpdateRef, sgdUpdateRef, tanhBackwardRef, tanhForwardRef, type AdamWHyper } from '../kernels/pointwise.ts';
import { PythonRandom } from '../src/rng.ts';
import { describeBackends, expectClose, gaussian } from './kernels-harness.ts';

// an odd length; past the wasm backend's threshold for splitting elementwise work over threads,
// with a ragged end; and the lecture's conv weight (2·128 × 128): past what a GL texture holds in one row
const LENGTHS = [37 * 7, 16384 + 27, 2 * 128 * 128];

describeBackends('pointwise kernels', (ops) => LENGTHS.forEach((N) => describe(`N = ${N}`, () => {
  const rng = new PythonRandom(7);
  const x = gaussian(rng, N, 2);
  const dy = gaussian(rng, N);
  const w = gaussian(rng, N);
  const g = gaussian(rng, N);
  const m = gaussian(rng, N, 0.1);
  const v = gaussian(rng, N, 0.1).map((a) => a * a);

  it('tanh forward', () => {
    expectClose(ops().tanhForward(x), tanhForwardRef(x));
  });

  it('tanh backward', () => {
    const y = tanhForwardRef(x);
    expectClose(ops().tanhBackward(y, dy), tanhBackwardRef(y, dy));
  });

  it('sgd updates w in place', () => {
    const got = w.slice();
    const want = w.slice();
    ops().sgdUpdate(got, g, 0.1);
    sgdUpdateRef(want, g, 0.1);
    expectClose(got, want);
  });

  // step 1 (zero moments, the largest bias correction) and a later step with weight decay
  const hypers: AdamWHyper[] = [
    { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step: 1 },
    { lr: 3e-3, beta1: 0.8, beta2: 0.99, eps: 1e-8, weightDecay: 0.01, step: 7 },
  ];
  for (const h of hypers) {
    it(`adamw updates w, m, v in place: step ${h.step}, weight decay ${h.weightDecay}`, () => {
      const start = h.step === 1 ? { m: new Float32Array(N), v: new Float32Array(N) } : { m, v };
      const got = { w: w.slice(), m: start.m.slice(), v: start.v.slice() };
      const want = { w: w.slice(), m: start.m.slice(), v: start.v.slice() };
      ops().adamwUpdate(got.w, g, got.m, got.v, h);
      adamwUpdateRef(want.w, g, want.m, want.v, h);
      expectClose(got.m, want.m);
      expectClose(got.v, want.v);
      expectClose(got.w, want.w);
    });
  }
})));
