// Per-position LayerNorm on every backend (kernels/layernorm.ts, layernorm.as.ts) against the
// reference, and its backward against finite differences of the same backend's forward.

import { expect, it } from 'vitest';
import { lnBackwardRef, lnForwardRef } from '../kernels/layernorm.ts';
import { PythonRandom } from '../src/rng.ts';
import { describeBackends, expectClose, gaussian, plus } from './kernels-harness.ts';
import { dot, numericGrad, relError } from './finite-difference.ts';

const EPS = 1e-5;
const FD_TOL = 2e-2; // float32 forward passes, step 1e-2

describeBackends('LayerNorm kernels', (ops) => {
  // P = 101: enough rows for the wasm backend to split the rows (and the channel groups) over threads
  for (const [P, C] of [[37, 6], [8, 16], [101, 22]]) {
    const rng = new PythonRandom(11);
    const x = gaussian(rng, P * C, 2).map((v, i) => v + (i % C) * 0.3); // rows with a mean of their own
    const gamma = gaussian(rng, C).map((v) => 1 + 0.3 * v);
    const beta = gaussian(rng, C, 0.2);
    const dy = gaussian(rng, P * C);
    const s = { P, C };

    it(`forward: P=${P}, C=${C}`, () => {
      expectClose(ops().lnForward(x, gamma, beta, EPS, s), lnForwardRef(x, gamma, beta, EPS, s));
    });

    it(`backward adds dγ, dβ into their buffers and returns dx: P=${P}, C=${C}`, () => {
      const want = lnBackwardRef(dy, x, gamma, EPS, s);
      const before = gaussian(new PythonRandom(12), 2 * C);
      const [dgamma, dbeta] = [before.slice(0, C), before.slice(C)];
      expectClose(ops().lnBackward(dy, x, gamma, EPS, s, dgamma, dbeta), want.dx);
      expectClose(dgamma, plus(before.slice(0, C), want.dgamma));
      expectClose(dbeta, plus(before.slice(C), want.dbeta));
    });

    it(`backward is the derivative of its forward: P=${P}, C=${C}`, () => {
      const rows = { P: Math.min(P, 6), C };
      const probe = x.slice(0, rows.P * C);
      const r = dy.slice(0, rows.P * C);
      const [dgamma, dbeta] = [new Float32Array(C), new Float32Array(C)];
      const g = gamma.slice();
      const dx = ops().lnBackward(r, probe, g, EPS, rows, dgamma, dbeta).slice();
      const loss = () => dot(ops().lnForward(probe, g, beta, EPS, rows), r);
      expect(relError(dx, numericGrad(probe, loss, 1e-2)), 'dx').toBeLessThan(FD_TOL);
      expect(relError(dgamma, numericGrad(g, loss, 1e-2)), 'dγ').toBeLessThan(FD_TOL);
    });
  }
}, true);
