// The one-name-at-a-time cached generators (lecture models of any kernel, the WaveNet block) against
// their naive samplers.
import { describe, expect, it } from 'vitest';
import { PythonRandom } from '../src/rng.ts';
import { TreeModel } from '../src/models/tree.ts';
import { generateNaive } from '../src/generate/naive.ts';
import { CachedGenerator } from '../src/generate/cached.ts';
import { randomModel, randomWaveNet } from './equivalence-helpers.ts';
import { generatorFor } from '../src/generate/for-model.ts';
import { receptiveField } from '../src/wavenet-params.ts';

function models(nLayers: number, kernel = 2) {
  const { params, cfg } = randomModel(nLayers, 75 + kernel, { nEmbd: 6, nHidden: 9, ...(kernel === 2 ? {} : { kernel }) });
  // A confident head, so that names end at '.' rather than at the length limit.
  params.get('head.weight').data.forEach((v, i, a) => (a[i] = v * 40));
  params.get('head.bias').data[0] = 2;
  return { tree: TreeModel.hierarchical(params, cfg), cached: new CachedGenerator(params, cfg) };
}

describe('generation', () => {
  it.each([[1, 2], [3, 2], [4, 2], [1, 3], [2, 3]])('naive and cached give identical names for the same seed (%i layers of kernel %i)', (nLayers, kernel) => {
    const { tree, cached } = models(nLayers, kernel);
    for (const opts of [{ temperature: 1, topK: 0 }, { temperature: 0.7, topK: 5 }]) {
      const naiveRng = new PythonRandom(5);
      const cachedRng = new PythonRandom(5);
      const naive = Array.from({ length: 30 }, () => generateNaive(tree, naiveRng, opts, 40).join(','));
      const fast = Array.from({ length: 30 }, () => cached.generate(cachedRng, opts, 40).join(','));
      expect(fast).toEqual(naive);
      expect(new Set(naive).size).toBeGreaterThan(5); // really sampling, not one name repeated
      expect(naive.some((n) => n.split(',').length < 40)).toBe(true); // names end by '.'
    }
  });
});

describe('WaveNet generation', () => {
  it.each([
    ['4 layers, no normalisation, dropout (off when sampling)', { layers: 4, dropout: 0.2 }, 2],
    ['2 layers × 2 stacks, BatchNorm', { layers: 2, stacks: 2, norm: 'batchnorm' as const }, 2],
    ['4 layers, LayerNorm', { layers: 4, norm: 'layernorm' as const }, 8],
  ])('cached and naive (the conv pass on the last receptive field) give identical names: %s', (_, sizes, endBias) => {
    const { params, cfg } = randomWaveNet(78, { nEmbd: 6, channels: 8, skipChannels: 10, ...sizes });
    // a head whose '.' comes now and then (endBias per model): names both shorter and longer than the field
    params.get('head.weight').data.forEach((v, i, a) => (a[i] = v * 10));
    params.get('head.bias').data[0] += endBias;
    const naive = generatorFor(params, cfg, 'naive');
    const cached = generatorFor(params, cfg, 'cached');
    for (const opts of [{ temperature: 1, topK: 0 }, { temperature: 0.7, topK: 5 }]) {
      const [naiveRng, cachedRng] = [new PythonRandom(5), new PythonRandom(5)];
      const fromNaive = Array.from({ length: 30 }, () => naive(naiveRng, opts, 40).join(','));
      const fromCached = Array.from({ length: 30 }, () => cached(cachedRng, opts, 40).join(','));
      expect(fromCached).toEqual(fromNaive);
      expect(new Set(fromNaive).size).toBeGreaterThan(5);
      expect(fromNaive.some((n) => n.split(',').length > receptiveField(cfg))).toBe(true); // longer than the field: the queues wrap
      expect(fromNaive.some((n) => n.split(',').length < 40)).toBe(true);
    }
  });
});
