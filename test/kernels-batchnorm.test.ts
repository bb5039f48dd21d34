// The BatchNorm ops of every backend (kernels/batchnorm.ts, batchnorm.as.ts) against the references,
// alone and fused with the tanh that follows them.

import { it } from 'vitest';
import { bnBackwardRef, bnForwardRef, bnStatsRef, type BnShape } from '../kernels/batchnorm.ts';
import { PythonRandom } from '../src/rng.ts';
import { tanhBackwardRef, tanhForwardRef } from '../kernels/pointwise.ts';
import { describeBackends, expectClose, gaussian, plus } from './kernels-harness.ts';

const EPS = 1e-5;

describeBackends('batchnorm kernels', (ops) => {
  for (const s of [{ P: 37, C: 7 }, { P: 8, C: 5 }, { P: 101, C: 9 }] satisfies BnShape[]) {
    const rng = new PythonRandom(99);
    // an offset and a spread per channel, so the mean and variance are not ~0 and ~1
    const x = gaussian(rng, s.P * s.C).map((v, i) => 3 + (i % s.C) + v * (0.5 + (i % 3)));
    const gamma = gaussian(rng, s.C);
    const beta = gaussian(rng, s.C);
    const dy = gaussian(rng, s.P * s.C);
    const dgammaBefore = gaussian(rng, s.C);
    const dbetaBefore = gaussian(rng, s.C);
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

    it(`forward fused with tanh: ${name}`, () => {
      const { mean, variance } = bnStatsRef(x, s);
      expectClose(ops().bnTanhForward(x, mean, variance, gamma, beta, EPS, s), tanhForwardRef(bnForwardRef(x, mean, variance, gamma, beta, EPS, s)));
    });

    for (const training of [true, false]) {
      const stats = () => (training ? bnStatsRef(x, s) : { mean: runningMean, variance: runningVar });
      it(`backward, ${training ? 'training' : 'eval'}, adding into dγ, dβ: ${name}`, () => {
        const { mean, variance } = stats();
        const [dgamma, dbeta] = [dgammaBefore.slice(), dbetaBefore.slice()];
        const dx = ops().bnBackward(dy, x, mean, variance, gamma, EPS, training, s, dgamma, dbeta);
        const want = bnBackwardRef(dy, x, mean, variance, gamma, EPS, training, s);
        expectClose(dx, want.dx);
        expectClose(dgamma, plus(dgammaBefore, want.dgamma));
        expectClose(dbeta, plus(dbetaBefore, want.dbeta));
      });

      it(`backward through tanh then BatchNorm, ${training ? 'training' : 'eval'}: ${name}`, () => {
        const { mean, variance } = stats();
        const y = tanhForwardRef(bnForwardRef(x, mean, variance, gamma, beta, EPS, s));
        const [dgamma, dbeta] = [dgammaBefore.slice(), dbetaBefore.slice()];
        const dx = ops().tanhBnBackward(y, dy, x, mean, variance, gamma, EPS, training, s, dgamma, dbeta);
        const want = bnBackwardRef(tanhBackwardRef(y, dy), x, mean, variance, gamma, EPS, training, s);
        expectClose(dx, want.dx);
        expectClose(dgamma, plus(dgammaBefore, want.dgamma));
        expectClose(dbeta, plus(dbetaBefore, want.dbeta));
      });
    }
  }
});
