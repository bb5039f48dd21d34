// --model and its sizes, for the commands that build a new model (train): the lecture's hierarchical
// model (--n-embd, --n-hidden, --layers) or WaveNet (--n-embd, --channels, --skip-channels, --layers,
// --stacks, --dropout, --norm).

import { initHierarchical, type ModelConfig, type ParamSet } from '../params.ts';
import type { PythonRandom } from '../rng.ts';
import { initWaveNet, NORMS, type AnyModelConfig, type Norm, type WaveNetConfig } from '../wavenet-params.ts';
import { choiceOption, intOption, MAX_LAYERS, MAX_WIDTH, MODEL_SIZE_OPTIONS, modelSizes, numberOption, UsageError, type OptionSpec } from './args.ts';

const MODELS = ['lecture', 'wavenet'] as const;

export const MODEL_OPTIONS: OptionSpec = {
  model: { type: 'string' },
  ...MODEL_SIZE_OPTIONS,
  channels: { type: 'string' },
  'skip-channels': { type: 'string' },
  stacks: { type: 'string' },
  dropout: { type: 'string' },
  norm: { type: 'string' },
};

export const MODEL_HELP = `  --model lecture|wavenet  (default lecture)
  lecture: --n-embd N --n-hidden N --layers N --kernel K   (default 24, 128, 3, 2: block size K^layers;
                       --layers 1 --kernel B is the lecture's flat MLP over B characters)
  wavenet: --n-embd N --channels C --skip-channels S --layers L --stacks K --dropout P --norm none|batchnorm|layernorm
                       (default 24, 64, C, 4, 1, 0, none): receptive field K·(2^L − 1) + 1 characters
`;

const WAVENET_ONLY = ['channels', 'skip-channels', 'stacks', 'dropout', 'norm'];
/** Eight stacks of ten layers see 8,185 characters: far past any name, and already ~4× the lecture family's deepest. */
const MAX_STACKS = 8;

/** A model's sizes without the vocabulary (that comes from the data). */
export type ModelSettings = Omit<ModelConfig, 'vocabSize'> | Omit<WaveNetConfig, 'vocabSize'>;

export function modelSettings(v: Record<string, unknown>): ModelSettings {
  const model = choiceOption(v, 'model', MODELS, 'lecture');
  if (model === 'lecture') {
    const misplaced = WAVENET_ONLY.find((name) => v[name] !== undefined);
    if (misplaced) throw new UsageError(`--${misplaced} applies to --model wavenet only`);
    return modelSizes(v);
  }
  const misplaced = ['n-hidden', 'kernel'].find((name) => v[name] !== undefined);
  if (misplaced) throw new UsageError(`--${misplaced} applies to --model lecture only (WaveNet: --channels, --skip-channels)`);
  const channels = intOption(v, 'channels', 64, 1, MAX_WIDTH);
  return {
    architecture: 'wavenet',
    nEmbd: intOption(v, 'n-embd', 24, 1, MAX_WIDTH),
    channels,
    skipChannels: intOption(v, 'skip-channels', channels, 1, MAX_WIDTH),
    layers: intOption(v, 'layers', 4, 1, MAX_LAYERS),
    stacks: intOption(v, 'stacks', 1, 1, MAX_STACKS),
    dropout: numberOption(v, 'dropout', 0, (p) => p >= 0 && p < 1),
    norm: choiceOption<Norm>(v, 'norm', NORMS, 'none'),
  };
}

/** A new model's parameters, initialised from `rng`. */
export function initModel(cfg: AnyModelConfig, rng: PythonRandom): ParamSet {
  return 'architecture' in cfg && cfg.architecture === 'wavenet' ? initWaveNet(cfg, rng) : initHierarchical(cfg as ModelConfig, rng);
}
