// The WaveNet preset's batched cached generator (gated residual layers, skips) against the naive
// sampler that re-runs the conv pass on the last receptive field for every character.
import { describe, expect, it } from 'vitest';
import { ConvModel } from '../src/models/conv.ts';
import { StepModel } from '../src/models/step.ts';
import { naiveSource } from '../src/generate/naive.ts';
import { BatchedGenerator } from '../src/generate/batched.ts';
import { firstNames } from '../src/generate/selection.ts';
import { referenceOps } from '../src/engine/reference-ops.ts';
import { randomWaveNet } from './equivalence-helpers.ts';

describe('WaveNet generation', () => {
  it.each([
    ['4 layers, no normalisation, dropout (off when sampling)', { layers: 4, dropout: 0.2 }, 0],
    ['2 layers × 2 stacks, BatchNorm', { layers: 2, stacks: 2, norm: 'batchnorm' as const }, 2],
    ['4 layers, LayerNorm', { layers: 4, norm: 'layernorm' as const }, 8],
  ])('cached and naive (the conv pass on the last receptive field) give identical names: %s', (_, sizes, endBias) => {
    const { params, spec } = randomWaveNet(78, { nEmbd: 6, channels: 8, skipChannels: 10, ...sizes });
    // a head whose '.' comes now and then (endBias per model): names both shorter and longer than the field
    params.get('head.weight').data.forEach((v, i, a) => (a[i] = v * 10));
    params.get('head.bias').data[0] += endBias;
    for (const sampling of [{ temperature: 1, topK: 0 }, { temperature: 0.7, topK: 5 }]) {
      const names = { seed: 5, sampling, prefix: [], maxChars: 40 };
      const naive = firstNames(naiveSource(new ConvModel(params.clone(), spec, referenceOps), names), 30);
      const cached = firstNames(new BatchedGenerator(new StepModel(params.clone(), spec, referenceOps, 7), names), 30);
      expect(cached).toEqual(naive);
      expect(new Set(naive.map((n) => n.join())).size).toBeGreaterThan(5);
      expect(naive.some((n) => n.length > spec.receptiveField)).toBe(true); // longer than the field: the queues wrap
      expect(naive.some((n) => n.length < 40)).toBe(true);
    }
  });
});
