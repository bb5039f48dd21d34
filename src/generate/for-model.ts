// The generators of a model, whichever architecture its config names.

import type { ModelConfig, ParamSet } from '../params.ts';
import { isWaveNet, receptiveField, type AnyModelConfig } from '../wavenet-params.ts';
import { TreeModel } from '../models/tree.ts';
import { ConvModel } from '../models/conv.ts';
import { referenceOps } from '../engine/reference-ops.ts';
import { CachedGenerator } from './cached.ts';
import { generateNaive } from './naive.ts';
import { WaveNetCachedGenerator } from './wavenet-cached.ts';
import { generateNaiveWindow } from './window-naive.ts';
import type { Generate } from './one-at-a-time.ts';

/** 'cached': one node per layer per character (Fast WaveNet); 'naive': the whole model on the last receptive field per character. */
export function generatorFor(params: ParamSet, cfg: AnyModelConfig, kind: 'cached' | 'naive'): Generate {
  if (isWaveNet(cfg)) {
    if (kind === 'cached') {
      const cached = new WaveNetCachedGenerator(params, cfg);
      return (rng, opts, maxLength) => cached.generate(rng, opts, maxLength);
    }
    const model = new ConvModel(params, cfg, referenceOps);
    return (rng, opts, maxLength) => generateNaiveWindow(model, receptiveField(cfg), rng, opts, maxLength);
  }
  if (kind === 'cached') {
    const cached = new CachedGenerator(params, cfg);
    return (rng, opts, maxLength) => cached.generate(rng, opts, maxLength);
  }
  const tree = TreeModel.hierarchical(params, cfg as ModelConfig);
  return (rng, opts, maxLength) => generateNaive(tree, rng, opts, maxLength);
}
