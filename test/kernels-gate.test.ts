// The gated unit and the other WaveNet elementwise ops of every backend (kernels/gate.ts,
// kernels/pointwise.ts and their .as.ts) against the references, and each backward pass against
// finite differences of the same backend's forward.

import { expect, it } from 'vitest';
import { gateBackwardRef, gateForwardRef } from '../kernels/gate.ts';
import { addRef, multiplyRef, reluBackwardRef, reluForwardRef } from '../kernels/pointwise.ts';
import { PythonRandom } from '../src/rng.ts';
import { describeBackends, expectClose, gaussian } from './kernels-harness.ts';
import { dot, numericGrad, relError } from './finite-difference.ts';

const FD_TOL = 2e-2; // float32 forward passes, step 1e-2

describeBackends('gate and WaveNet elementwise kernels', (ops) => {
  // C = 6 leaves a partial vector of channels; P = 37 and 8 as the other kernel suites
  for (const [P, C] of [[37, 6], [8, 16]]) {
    const rng = new PythonRandom(9);
    const x = gaussian(rng, P * 2 * C, 1.5);
    const dy = gaussian(rng, P * C);
    const s = { P, C };

    it(`gate forward: P=${P}, C=${C}`, () => {
      expectClose(ops().gateForward(x, s), gateForwardRef(x, s));
    });

    it(`gate backward: P=${P}, C=${C}`, () => {
      expectClose(ops().gateBackward(x, dy, s), gateBackwardRef(x, dy, s));
    });

    it(`gate backward is the derivative of its forward: P=${P}, C=${C}`, () => {
      const probe = x.slice(0, Math.min(x.length, 8 * 2 * C)); // 8 rows keep the loop short
      const rows = { P: probe.length / (2 * C), C };
      const r = dy.slice(0, rows.P * C);
      const dx = ops().gateBackward(probe, r, rows).slice();
      expect(relError(dx, numericGrad(probe, () => dot(ops().gateForward(probe, rows), r), 1e-2))).toBeLessThan(FD_TOL);
    });
  }

  const rng = new PythonRandom(10);
  const N = 37 * 7;
  const a = gaussian(rng, N);
  const b = gaussian(rng, N);
  const dy = gaussian(rng, N);

  it('relu forward and backward', () => {
    expectClose(ops().reluForward(a), reluForwardRef(a));
    const y = reluForwardRef(a);
    expectClose(ops().reluBackward(y, dy), reluBackwardRef(y, dy));
  });

  it('relu backward is the derivative of its forward (away from 0)', () => {
    const probe = a.map((v) => (Math.abs(v) < 0.05 ? 0.5 : v));
    const dx = ops().reluBackward(ops().reluForward(probe).slice(), dy).slice();
    expect(relError(dx, numericGrad(probe, () => dot(ops().reluForward(probe), dy), 1e-2))).toBeLessThan(FD_TOL);
  });

  it('add and multiply', () => {
    expectClose(ops().add(a, b), addRef(a, b));
    expectClose(ops().multiply(a, b), multiplyRef(a, b));
  });
}, true);
