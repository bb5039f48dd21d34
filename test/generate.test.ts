// Generation: the batched cached generator gives the naive sampler's names on every backend, at
// any batch size; each name draws from its own documented stream; the selection keeps the first
// names that pass, in index order, whatever order candidates finish in.

import { describe, expect, it } from 'vitest';
import { PythonRandom } from '../src/rng.ts';
import { TreeModel } from '../src/models/tree.ts';
import { ConvModel } from '../src/models/conv.ts';
import { StepModel } from '../src/models/step.ts';
import { generateNaive, naiveSource } from '../src/generate/naive.ts';
import { seedName } from '../src/generate/name-random.ts';
import { BatchedGenerator } from '../src/generate/batched.ts';
import { firstNames, selectNames, type NameRules } from '../src/generate/selection.ts';
import { sampleNext } from '../src/generate/sampling.ts';
import type { Candidate, CandidateSource, NameSpec } from '../src/generate/candidates.ts';
import { randomModel, vocab } from './equivalence-helpers.ts';
import { describeBackends } from './kernels-harness.ts';
import { referenceOps } from '../src/engine/reference-ops.ts';

const NAMES = 60;

function model(nLayers: number, kernel = 2) {
  const { params, cfg, spec } = randomModel(nLayers, 77, { nEmbd: 6, nHidden: 9, ...(kernel === 2 ? {} : { kernel }) });
  // A confident head, so that names end at '.' rather than at the length limit.
  params.get('head.weight').data.forEach((v, i, a) => (a[i] = v * 40));
  params.get('head.bias').data[0] = 2;
  return { params, cfg, spec };
}

/** The lecture's own sampling loop on the tree form (plain TS, sharing nothing with the kernels): the whole model on the last block for every character. */
function treeSource(tree: TreeModel, spec: NameSpec): CandidateSource {
  const rng = new PythonRandom();
  const name = (index: number) => {
    seedName(rng, spec.seed, index);
    const context = new Array<number>(tree.blockSize).fill(0);
    const out: number[] = [];
    while (out.length < spec.maxChars) {
      let next = spec.prefix[out.length];
      if (next === undefined) {
        next = sampleNext(tree.forward(context, 'eval').data, rng, spec.sampling);
        if (next === 0) break;
      }
      out.push(next);
      context.shift();
      context.push(next);
    }
    return out;
  };
  return {
    draw(next, done) {
      for (let index = next(); index !== null; index = next()) done({ index, chars: name(index) });
    },
  };
}

const SPECS: [string, NameSpec][] = [
  ['plain', { seed: 5, sampling: { temperature: 1, topK: 0 }, prefix: [], maxChars: 40 }],
  ['temperature 0.7, top-k 5, cut at 6', { seed: 9, sampling: { temperature: 0.7, topK: 5 }, prefix: [], maxChars: 6 }],
  ['prefix "ka"', { seed: 3, sampling: { temperature: 1, topK: 0 }, prefix: vocab.encode('ka'), maxChars: 40 }],
];

describeBackends(
  'batched generation',
  (ops) => {
    it.each([
      [1, 2],
      [3, 2],
      [4, 2],
      [2, 3],
    ])('gives the lecture\u2019s tree-form sampler\u2019s names at every batch size (%i layers of kernel %i)', (nLayers, kernel) => {
      const { params, cfg, spec: stack } = model(nLayers, kernel);
      const tree = TreeModel.hierarchical(params.clone(), cfg);
      for (const [what, spec] of SPECS) {
        const naive = firstNames(treeSource(tree, spec), NAMES);
        expect(firstNames(naiveSource(new ConvModel(params.clone(), stack, referenceOps), spec), NAMES), 'the conv form on each window').toEqual(naive);
        expect(new Set(naive.map((n) => n.join())).size).toBeGreaterThan(10); // really sampling, not one name repeated
        if (what === 'plain') expect(naive.some((n) => n.length < spec.maxChars)).toBe(true); // names end by '.'
        expect(naive.every((n) => spec.prefix.every((c, i) => n[i] === c))).toBe(true);
        // 1: one at a time; 7: rows refilled as names finish; 64: more rows than names, the last ones moved into finished rows' places
        for (const batch of [1, 7, 64]) {
          const batched = new BatchedGenerator(new StepModel(params.clone(), stack, ops(), batch), spec);
          expect(firstNames(batched, NAMES), `batch ${batch}`).toEqual(naive);
        }
      }
    });
  },
  true,
);

describe('name streams', () => {
  it('draws name i from Python\u2019s random.seed(seed · 2^32 + i), whatever was drawn before it', () => {
    const { params, spec: stack } = model(3);
    const conv = new ConvModel(params, stack, referenceOps);
    const spec = SPECS[0][1];
    const names = firstNames(naiveSource(conv, spec), 12);
    for (const i of [0, 1, 11]) {
      const rng = new PythonRandom(BigInt(spec.seed) * 2n ** 32n + BigInt(i));
      expect(generateNaive(conv, rng, spec.sampling, spec.maxChars)).toEqual(names[i]);
    }
    const otherSeed = firstNames(naiveSource(conv, { ...spec, seed: spec.seed + 1 }), 12);
    expect(otherSeed).not.toEqual(names);
  });
});

/** Candidate i is `words[i]`; up to `inFlight` are started at once and finish in reverse order. */
function reversingSource(words: number[][], inFlight: number, started: number[]): CandidateSource {
  return {
    draw(next, done) {
      for (;;) {
        const batch: Candidate[] = [];
        for (let index = batch.length < inFlight ? next() : null; index !== null; index = batch.length < inFlight ? next() : null) {
          started.push(index);
          batch.push({ index, chars: words[index % words.length] });
        }
        if (batch.length === 0) return;
        for (const c of batch.reverse()) done(c);
      }
    },
  };
}

describe('selecting names', () => {
  const words = ['ann', 'bo', 'ann', 'carla', 'di', 'bo', 'eve', 'fitzgerald', 'gus'].map((w) => vocab.encode(w));
  const decode = (chars: number[]) => vocab.decode(chars);
  const rules = (r: Partial<NameRules> = {}): NameRules => ({ minLength: 0, maxLength: Infinity, unique: false, exclude: new Set(), ...r });
  const select = (r: NameRules, num: number, maxTries = 1000, inFlight = 4) => {
    const names: string[] = [];
    const started: number[] = [];
    const result = selectNames(reversingSource(words, inFlight, started), decode, r, { num, maxTries }, (name) => names.push(name));
    return { names, started, ...result };
  };

  it('keeps candidates in index order, whatever order they finish in', () => {
    for (const inFlight of [1, 3, 8]) expect(select(rules(), 5, 1000, inFlight).names).toEqual(['ann', 'bo', 'ann', 'carla', 'di']);
  });

  it('applies the length limits, uniqueness (first one kept) and the excluded set', () => {
    expect(select(rules({ minLength: 3, maxLength: 5 }), 4).names).toEqual(['ann', 'ann', 'carla', 'eve']);
    expect(select(rules({ unique: true }), 6).names).toEqual(['ann', 'bo', 'carla', 'di', 'eve', 'fitzgerald']);
    expect(select(rules({ unique: true, exclude: new Set(['bo', 'eve']) }), 5).names).toEqual(['ann', 'carla', 'di', 'fitzgerald', 'gus']);
  });

  it('stops after maxTries candidates with what it found, and starts no more than it needs', () => {
    const short = select(rules({ unique: true }), 20, 30);
    expect(short.names).toEqual(['ann', 'bo', 'carla', 'di', 'eve', 'fitzgerald', 'gus']);
    expect(short).toMatchObject({ found: 7, tries: 30 });
    expect(short.started).toHaveLength(30);
    const enough = select(rules(), 3, 1000, 8);
    expect(enough).toMatchObject({ found: 3, tries: 3 });
    expect([...enough.started].sort()).toEqual([0, 1, 2]);
  });
});

describe('sampleNext', () => {
  it('applies top-k and temperature', () => {
    const rng = new PythonRandom(1);
    const logits = [0, 3, 2.9, -1];
    expect(Array.from({ length: 50 }, () => sampleNext(logits, rng, { temperature: 1, topK: 1 }))).toEqual(new Array(50).fill(1));
    const topTwo = new Set(Array.from({ length: 200 }, () => sampleNext(logits, rng, { temperature: 1, topK: 2 })));
    expect(topTwo).toEqual(new Set([1, 2]));
    const cold = Array.from({ length: 200 }, () => sampleNext(logits, rng, { temperature: 0.01, topK: 0 }));
    expect(cold.filter((c) => c === 1).length).toBeGreaterThan(195);
    expect(() => sampleNext(logits, rng, { temperature: 0, topK: 0 })).toThrow(/temperature/);
  });

  it('draws from the softmax of the logits over the temperature', () => {
    const rng = new PythonRandom(2);
    const logits = [1, 0, Math.log(2)];
    const counts = [0, 0, 0];
    const draws = 20_000;
    for (let i = 0; i < draws; i++) counts[sampleNext(logits, rng, { temperature: 2, topK: 0 })]++;
    const weights = logits.map((l) => Math.exp(l / 2));
    const total = weights.reduce((a, b) => a + b);
    counts.forEach((c, v) => expect(Math.abs(c / draws - weights[v] / total)).toBeLessThan(0.015));
  });
});
