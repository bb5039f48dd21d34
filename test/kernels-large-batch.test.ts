// Batches past the limits that made GL and gpu.js's WebAssembly return wrong numbers silently
// (issue 13), on every backend here against the references: more rows than a GL texture's side
// (8,192 on SwiftShader, 16,384 on headless-gl), BatchNorm sums past Mesa's 65,535-iteration loop
// budget (P > 32,767), and arrays past 2^24 elements, where float32 index arithmetic loses integers.
// Each op first runs on a small batch, so its kernel is built small and then resized large.

import { it } from 'vitest';
import { bnBackwardRef, bnForwardRef, bnStatsRef } from '../kernels/batchnorm.ts';
import { embeddingForwardRef } from '../kernels/embedding.ts';
import { convBackwardInputRef } from '../kernels/conv1d.ts';
import { addRef } from '../kernels/pointwise.ts';
import { PythonRandom } from '../src/rng.ts';
import { describeBackends, expectClose, gaussian, packedStart } from './kernels-harness.ts';

const EPS = 1e-5;
/** Past 2^15 − 1 (twice that is the loop budget) and past every GL texture side. */
const LARGE_P = 40_000;
const SMALL_P = 37;
/** float32 holds every integer to 2^24; past it, odd indices round. */
const PAST_EXACT = 2 ** 24 + 5;

const rng = new PythonRandom(13);
const bnInputs = (P: number, C: number) => ({ x: gaussian(rng, P * C).map((v, i) => 2 + (i % C) + v), dy: gaussian(rng, P * C) });

describeBackends('large batches', (ops) => {
  it(`BatchNorm statistics, forward and backward at P = ${LARGE_P.toLocaleString('en-US')}, after P = ${SMALL_P}`, () => {
    const C = 3;
    const gamma = gaussian(rng, C);
    const beta = gaussian(rng, C);
    for (const P of [SMALL_P, LARGE_P]) {
      const s = { P, C };
      const { x, dy } = bnInputs(P, C);
      const stats = ops().bnStats(x, s);
      const want = bnStatsRef(x, s);
      expectClose(stats.mean, want.mean);
      expectClose(stats.variance, want.variance);
      expectClose(ops().bnForward(x, want.mean, want.variance, gamma, beta, EPS, s), bnForwardRef(x, want.mean, want.variance, gamma, beta, EPS, s));
      const [dgamma, dbeta] = [new Float32Array(C), new Float32Array(C)];
      const ref = bnBackwardRef(dy, x, want.mean, want.variance, gamma, EPS, true, s);
      expectClose(ops().bnBackward(dy, x, want.mean, want.variance, gamma, EPS, true, s, dgamma, dbeta), ref.dx);
      expectClose(dgamma, ref.dgamma);
      expectClose(dbeta, ref.dbeta);
    }
  });

  it(`embedding lookup into an output of 2^24 + ${(65_536 * 257 - 2 ** 24).toLocaleString('en-US')} elements, after P = ${SMALL_P}`, () => {
    const [V, C] = [27, 257];
    const table = gaussian(rng, V * C);
    for (const P of [SMALL_P, 65_536]) {
      const idx = Int32Array.from({ length: P }, (_, p) => (p * 7) % V);
      expectClose(ops().embeddingForward(table, idx, C), embeddingForwardRef(table, idx, C));
    }
  });

  it(`conv backward to the input with tap sums of 2^24 + ${(2 * 65_536 * 129 - 2 ** 24).toLocaleString('en-US')} elements (n_hidden 129, P = 65,536)`, () => {
    for (const P of [SMALL_P, 65_536]) {
      const s = { P, cIn: 4, cOut: 129, K: 2, dilation: 4 };
      const start = packedStart(Array.from({ length: P / 16 + 1 }, (_, i) => (i === 0 ? P % 16 : 16)).filter((n) => n > 0));
      const dy = gaussian(rng, P * s.cOut);
      const w = gaussian(rng, s.K * s.cIn * s.cOut);
      expectClose(ops().convBackwardInput(dy, w, start, s), convBackwardInputRef(dy, w, start, s));
    }
  });

  it(`elementwise add over 2^24 + 5 elements`, () => {
    const [a, b] = [new Float32Array(PAST_EXACT), new Float32Array(PAST_EXACT)];
    // neighbours differ, so an index that rounds to its neighbour shows
    for (let i = 0; i < PAST_EXACT; i++) [a[i], b[i]] = [i % 1001, (i % 997) / 997];
    expectClose(ops().add(a, b), addRef(a, b));
  });
});
