// The elementwise and optimizer ops of every backend (kernels/pointwise.ts, pointwise.as.ts), and
// dropout (kernels/dropout.ts, dropout.as.ts), against the references.

import { describe, expect, it } from 'vitest';
import { dropoutMaskRef, dropoutRef } from '../kernels/dropout.ts';
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

  it('zero: every element of arrays in the ops\' memory and out of it', () => {
    const inside = ops().allocate(N);
    inside.set(x);
    const outside = x.slice();
    const after = ops().allocate(N); // the next array must keep its values
    after.set(dy);
    ops().zero([inside, outside]);
    expect(inside.every((a) => a === 0)).toBe(true);
    expect(outside.every((a) => a === 0)).toBe(true);
    expect(after).toEqual(dy);
  });

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

  // the mask is drawn where it is applied: the same bits on every backend, whatever thread drew which
  // piece; seeds and streams as a run draws them (seeds below 2³¹, the top bit set in the state too)
  const masks = [
    { p: 0.4, seed: 12345, stream: 0 },
    { p: 0.1, seed: 2 ** 31 - 1, stream: 3 },
    { p: 0.5, seed: 987654321, stream: 7 },
    { p: 0.9, seed: 1, stream: 1 },
  ];
  for (const mask of masks) {
    it(`dropout p ${mask.p}, seed ${mask.seed}, stream ${mask.stream}: the reference's mask, bit for bit`, () => {
      const got = ops().dropout(x, mask);
      const want = dropoutRef(x, mask);
      const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);
      expect(bits(got)).toEqual(bits(want));
    });
  }

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

    // lengths that end mid-vector, one of a single element, and one long enough to be split over threads
    it(`adamw of many tensors in one op ≡ each updated alone, bit for bit: step ${h.step}`, () => {
      const r = new PythonRandom(31);
      const tensors = [5, 1, 20_003, 37, 3].map((n) => ({ w: gaussian(r, n), g: gaussian(r, n), m: gaussian(r, n, 0.1), v: gaussian(r, n, 0.1).map(Math.abs) }));
      const copy = () => tensors.map((t) => ({ w: t.w.slice(), g: t.g, m: t.m.slice(), v: t.v.slice() }));
      const [all, alone] = [copy(), copy()];
      ops().adamwUpdateAll(all, h);
      for (const t of alone) ops().adamwUpdate(t.w, t.g, t.m, t.v, h);
      all.forEach((t, k) => {
        for (const key of ['w', 'm', 'v'] as const) expect(t[key], `tensor ${k}: ${key}`).toEqual(alone[k][key]);
        expect(t.w, `tensor ${k} moved`).not.toEqual(tensors[k].w);
      });
    });
  }
})));

describe('dropout mask (kernels/dropout.ts)', () => {
  it('is mulberry32 drawn in order from the seed and stream (the mask of the releases before the kernel)', () => {
    // mulberry32 as published (Tommy Ettinger), one draw per element, seeded as the layer seeds it
    const mask = { p: 0.3, seed: 42, stream: 2 };
    let a = (42 ^ Math.imul(3, 0x9e3779b1)) >>> 0;
    const mulberry32 = () => {
      let t = (a = (a + 0x6d2b79f5) >>> 0);
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const want = Float32Array.from({ length: 1000 }, () => (mulberry32() < 0.3 ? 0 : 1 / 0.7));
    expect(dropoutMaskRef(1000, mask)).toEqual(want);
  });

  it('drops about p of the elements and keeps the mean', () => {
    const m = dropoutMaskRef(100_000, { p: 0.4, seed: 7, stream: 0 });
    const dropped = m.filter((v) => v === 0).length / m.length;
    expect(Math.abs(dropped - 0.4)).toBeLessThan(0.01);
    expect(Math.abs(m.reduce((s, v) => s + v, 0) / m.length - 1)).toBeLessThan(0.02);
  });
});
