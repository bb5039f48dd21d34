// LayerNorm → gate → dropout as one op each way (ConvOps lnGateForward / lnGateBackward) on every
// backend: against the reference's composition of the three, bit for bit against the same backend's
// own primitives composed (what the fused layer replaces), and backward against finite differences
// of the same backend's forward.

import { expect, it } from 'vitest';
import type { DropoutMask } from '../kernels/dropout.ts';
import { referenceOps } from '../src/engine/reference-ops.ts';
import { withComposedFusions } from '../src/engine/ops.ts';
import { PythonRandom } from '../src/rng.ts';
import { describeBackends, expectClose, gaussian } from './kernels-harness.ts';
import { dot, numericGrad, relError } from './finite-difference.ts';

const EPS = 1e-5;
const FD_TOL = 2e-2; // float32 forward passes, step 1e-2
const MASK: DropoutMask = { p: 0.4, seed: 1234, stream: 2 };

describeBackends('LayerNorm → gate → dropout, fused', (ops) => {
  // C = 3: the gate's halves and the LayerNorm's 2C channels end in partial vectors; P = 101: enough
  // rows to be split over threads
  for (const [P, C] of [[37, 3], [8, 16], [101, 10]]) {
    const rng = new PythonRandom(21);
    const x = gaussian(rng, P * 2 * C, 2).map((v, i) => v + (i % (2 * C)) * 0.2);
    const gamma = gaussian(rng, 2 * C).map((v) => 1 + 0.3 * v);
    const beta = gaussian(rng, 2 * C, 0.2);
    const dy = gaussian(rng, P * C);
    const before = gaussian(rng, 4 * C);
    const s = { P, C };

    for (const mask of [null, MASK]) {
      const name = `P=${P}, C=${C}, ${mask ? 'dropout 0.4' : 'no dropout'}`;
      const forward = (o: typeof referenceOps) => o.lnGateForward(x, gamma, beta, EPS, mask, s, true);
      // each backend's backward from what its own forward saved
      const backward = (o: typeof referenceOps) => {
        const saved = forward(o).saved!.slice();
        const [dgamma, dbeta] = [before.slice(0, 2 * C), before.slice(2 * C)];
        const dx = o.lnGateBackward(dy, x, saved, gamma, EPS, mask, s, dgamma, dbeta).slice();
        return { dx, dgamma, dbeta };
      };

      it(`forward and backward ≈ the reference's LayerNorm, gate and dropout: ${name}`, () => {
        expectClose(forward(ops()).y, forward(referenceOps).y);
        expect(ops().lnGateForward(x, gamma, beta, EPS, mask, s, false).saved, 'nothing saved unless asked').toBeNull();
        const [got, want] = [backward(ops()), backward(referenceOps)];
        expectClose(got.dx, want.dx);
        expectClose(got.dgamma, want.dgamma);
        expectClose(got.dbeta, want.dbeta);
      });

      it(`≡ this backend's own three ops in sequence, bit for bit: ${name}`, () => {
        const composed = withComposedFusions(ops());
        expect(forward(ops()).y.slice()).toEqual(forward(composed).y.slice());
        const [got, want] = [backward(ops()), backward(composed)];
        expect(got.dx).toEqual(want.dx);
        expect(got.dgamma).toEqual(want.dgamma);
        expect(got.dbeta).toEqual(want.dbeta);
        expect(got.dgamma).not.toEqual(before.slice(0, 2 * C)); // it did add
      });
    }

    it(`backward is the derivative of its forward, dropout on: P=${P}, C=${C}`, () => {
      const rows = { P: Math.min(P, 6), C };
      const probe = x.slice(0, rows.P * 2 * C);
      const r = dy.slice(0, rows.P * C);
      const [g, b] = [gamma.slice(), beta.slice()];
      const [dgamma, dbeta] = [new Float32Array(2 * C), new Float32Array(2 * C)];
      const saved = ops().lnGateForward(probe, g, b, EPS, MASK, rows, true).saved!.slice();
      const dx = ops().lnGateBackward(r, probe, saved, g, EPS, MASK, rows, dgamma, dbeta).slice();
      const loss = () => dot(ops().lnGateForward(probe, g, b, EPS, MASK, rows, false).y, r);
      expect(relError(dx, numericGrad(probe, loss, 1e-2)), 'dx').toBeLessThan(FD_TOL);
      expect(relError(dgamma, numericGrad(g, loss, 1e-2)), 'dγ').toBeLessThan(FD_TOL);
      expect(relError(dbeta, numericGrad(b, loss, 1e-2)), 'dβ').toBeLessThan(FD_TOL);
    });
  }
}, true);
