import { describe, expect, it } from 'vitest';
import { PythonRandom } from '../src/rng.ts';
import { initFlat } from '../src/params.ts';
import { inferLecture, initLecture as initHierarchical, LECTURE_CONFIG } from '../src/presets/lecture.ts';
import { legacySpec } from '../src/presets/legacy.ts';
import { resolveSpec } from '../src/spec/resolve.ts';
import { paramsFromTensors } from '../src/spec/init.ts';

const rng = () => new PythonRandom(42);

describe('the lecture performance log, built from the same layers', () => {
  it.each([
    ['scaled up hierarchical (24/128)', initHierarchical({ vocabSize: 27, ...LECTURE_CONFIG }, rng()).count(), 76579],
    ['hierarchical 22K (10/68)', initHierarchical({ vocabSize: 27, nEmbd: 10, nHidden: 68, nLayers: 3 }, rng()).count(), 22397],
    ['flat block 3 with BatchNorm', initFlat({ vocabSize: 27, blockSize: 3, nEmbd: 10, nHidden: 200, batchNorm: true }, rng()).count(), 12097],
    ['flat block 8 with BatchNorm', initFlat({ vocabSize: 27, blockSize: 8, nEmbd: 10, nHidden: 200, batchNorm: true }, rng()).count(), 22097],
    ['Bengio et al. MLP (part 2)', initFlat({ vocabSize: 27, blockSize: 3, nEmbd: 10, nHidden: 200, batchNorm: false }, rng()).count(), 11897],
  ])('%s has the lecture’s parameter count', (_, count, expected) => {
    expect(count).toBe(expected);
  });

  it('initialises as the lecture: randn/√fan_in, last layer × 0.1, BN 1 and 0', () => {
    const params = initHierarchical({ vocabSize: 27, ...LECTURE_CONFIG }, rng());
    const std = (a: Float32Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length);
    expect(std(params.get('embedding.weight').data)).toBeCloseTo(1, 1);
    expect(std(params.get('conv.1.weight').data) * Math.sqrt(256)).toBeCloseTo(1, 1);
    expect(std(params.get('head.weight').data) * Math.sqrt(128)).toBeCloseTo(0.1, 2);
    expect(params.get('head.bias').data.every((v) => v === 0)).toBe(true);
    expect(params.get('bn.2.weight').data.every((v) => v === 1)).toBe(true);
    expect(params.get('bn.2.running_var').data.every((v) => v === 1)).toBe(true);
    expect([...params.buffers]).toEqual(['bn.0.running_mean', 'bn.0.running_var', 'bn.1.running_mean', 'bn.1.running_var', 'bn.2.running_mean', 'bn.2.running_var']);
  });

  it('infers the configuration from the shapes alone, and names a wrong shape', () => {
    const params = initHierarchical({ vocabSize: 27, ...LECTURE_CONFIG }, rng());
    expect(inferLecture(params.tensors)).toEqual({ vocabSize: 27, ...LECTURE_CONFIG });
    params.get('conv.2.weight').shape = [255, 128];
    const fail = (problem: string): never => {
      throw new Error(problem);
    };
    expect(() => paramsFromTensors(resolveSpec(legacySpec({}, params.tensors, 27, fail)), params.tensors, fail)).toThrow('tensor conv.2.weight has shape [255,128], expected [256,128]');
  });
});
