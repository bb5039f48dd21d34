// gpu.js BatchNorm kernels (kernels/batchnorm.ts) against the references, in every mode available here.

import { it } from 'vitest';
import { bnBackwardRef, bnForwardRef, bnStatsRef, type BnShape } from '../kernels/batchnorm.ts';
import { PythonRandom } from '../src/rng.ts';
import { describeModes, expectClose, gaussian } from './kernels-harness.ts';

const EPS = 1e-5;

describeModes('batchnorm kernels', (ops) => {
  for (const s of [{ P: 37, C: 7 }, { P: 8, C: 5 }] satisfies BnShape[]) {
    const rng = new PythonRandom(99);
    // an offset and a spread per channel, so the mean and variance are not ~0 and ~1
    const x = gaussian(rng, s.P * s.C).map((v, i) => 3 + (i % s.C) + v * (0.5 + (i % 3)));
    const gamma = gaussian(rng, s.C);
    const beta = gaussian(rng, s.C);
    const dy = gaussian(rng, s.P * s.C);
    // eval mode uses running statistics, not the batch's
    const runningMean = gaussian(rng, s.C);
    const runningVar = gaussian(rng, s.C).map((v) => 0.5 + v * v);
    const name = `P=${s.P}, C=${s.C}`;

    it(`stats (mean, unbiased variance): ${name}`, () => {
      const got = ops().bnStats(x, s);
      const want = bnStatsRef(x, s);
      expectClose(got.mean, want.mean);
      expectClose(got.variance, want.variance);
    });

    it(`forward, training (batch statistics): ${name}`, () => {
      const { mean, variance } = bnStatsRef(x, s);
      expectClose(ops().bnForward(x, mean, variance, gamma, beta, EPS, s), bnForwardRef(x, mean, variance, gamma, beta, EPS, s));
    });

    it(`forward, eval (running statistics): ${name}`, () => {
      expectClose(ops().bnForward(x, runningMean, runningVar, gamma, beta, EPS, s), bnForwardRef(x, runningMean, runningVar, gamma, beta, EPS, s));
    });

    for (const training of [true, false]) {
      it(`backward, ${training ? 'training' : 'eval'}: ${name}`, () => {
        const { mean, variance } = training ? bnStatsRef(x, s) : { mean: runningMean, variance: runningVar };
        const got = ops().bnBackward(dy, x, mean, variance, gamma, EPS, training, s);
        const want = bnBackwardRef(dy, x, mean, variance, gamma, EPS, training, s);
        expectClose(got.dx, want.dx);
        expectClose(got.dgamma, want.dgamma);
        expectClose(got.dbeta, want.dbeta);
      });
    }
  }
});
