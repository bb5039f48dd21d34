// The named models: each a spec made from a few sizes, with those sizes declared as options once
// (for `train --model NAME`, its --help and the page). The only place, with the preset files beside
// it, that knows an architecture by name.

import { readOption, type OptionTable } from '../options/declare.ts';
import type { ModelSpec } from '../spec/types.ts';
import { LECTURE_CONFIG, lectureSpec } from './lecture.ts';
import { NORMS, waveNetSpec, type Norm } from './wavenet.ts';
import { tcnSpec } from './tcn.ts';

/** A named model: its options, declared once, and the spec they give. */
export interface Preset {
  /** One line for --help. */
  readonly help: string;
  readonly options: OptionTable;
  /** The spec for parsed option values (every option present, defaults filled in). */
  spec(v: Readonly<Record<string, unknown>>, vocabSize: number): ModelSpec;
}

/** Widths and depths past these are far beyond what names need, and grow memory fast. */
const MAX_WIDTH = 1024;
const MAX_LAYERS = 10;
const EMBEDDING = { type: 'int', min: 1, max: MAX_WIDTH, default: LECTURE_CONFIG.nEmbd, help: 'character embedding size' } as const;

/** The named models, by the name `--model` takes: lecture, wavenet, tcn. */
export const PRESETS: Readonly<Record<string, Preset>> = {
  lecture: {
    help: "the lecture's hierarchical model: layers of [conv kernel K, dilation K^k → BatchNorm → tanh]; block size K^layers",
    options: {
      'n-embd': EMBEDDING,
      'n-hidden': { type: 'int', min: 1, max: MAX_WIDTH, default: LECTURE_CONFIG.nHidden, help: 'hidden units per layer' },
      layers: { type: 'int', min: 1, max: MAX_LAYERS, default: LECTURE_CONFIG.nLayers, help: 'layers' },
      kernel: { type: 'int', min: 2, max: 64, default: 2, help: "characters each layer joins (--layers 1 --kernel B: the lecture's flat MLP over B)" },
    },
    spec: (v, vocabSize) =>
      lectureSpec({ vocabSize, nEmbd: v['n-embd'] as number, nHidden: v['n-hidden'] as number, nLayers: v.layers as number, ...(v.kernel === 2 ? {} : { kernel: v.kernel as number }) }),
  },
  wavenet: {
    help: 'WaveNet: gated residual layers of kernel 2, dilations 1, 2, …, 2^(layers−1) per stack, skip connections; receptive field stacks·(2^layers − 1) + 1',
    options: {
      'n-embd': EMBEDDING,
      channels: { type: 'int', min: 1, max: MAX_WIDTH, default: 64, help: 'residual channels C (the dilated convs make 2C)' },
      'skip-channels': { type: 'int', min: 1, max: MAX_WIDTH, help: 'skip channels (default: --channels)' },
      layers: { type: 'int', min: 1, max: MAX_LAYERS, default: 4, help: 'layers per stack' },
      stacks: { type: 'int', min: 1, max: 8, default: 1, help: 'stacks' },
      dropout: { type: 'number', min: 0, below: 1, default: 0, help: 'dropout on each gated output in training' },
      norm: { type: 'choice', choices: NORMS, default: 'none', help: "normalisation of the dilated convs' output" },
    },
    spec: (v, vocabSize) =>
      waveNetSpec({
        vocabSize,
        nEmbd: v['n-embd'] as number,
        channels: v.channels as number,
        skipChannels: (v['skip-channels'] ?? v.channels) as number,
        layers: v.layers as number,
        stacks: v.stacks as number,
        dropout: v.dropout as number,
        norm: v.norm as Norm,
      }),
  },
  tcn: {
    help: 'TCN (Bai et al. 2018): residual blocks of two weight-normalised causal convs, dilation 2^i, ReLU and dropout; receptive field 2(K−1)(2^layers − 1) + 1',
    options: {
      'n-embd': EMBEDDING,
      channels: { type: 'ints', min: 1, max: MAX_WIDTH, default: [64], help: "each block's width, bottom up (one value: every block)" },
      layers: { type: 'int', min: 1, max: MAX_LAYERS, help: 'blocks (default 3, or as many as --channels lists)' },
      kernel: { type: 'int', min: 2, max: 16, default: 3, help: 'taps of each conv' },
      dropout: { type: 'number', min: 0, below: 1, default: 0.1, help: 'dropout after each conv in training' },
    },
    spec(v, vocabSize) {
      const listed = v.channels as number[];
      const layers = (v.layers ?? (listed.length > 1 ? listed.length : 3)) as number;
      if (listed.length > 1 && listed.length !== layers) throw new RangeError(`--channels lists ${listed.length} widths but --layers is ${layers}`);
      const channels = listed.length > 1 ? listed : new Array<number>(layers).fill(listed[0]);
      return tcnSpec({ vocabSize, nEmbd: v['n-embd'] as number, channels, kernel: v.kernel as number, dropout: v.dropout as number });
    },
  },
};

/** The spec of preset `name` with `values` (option name → value; the rest at their defaults), for the library and the page. */
export function presetSpec(name: string, values: Readonly<Record<string, unknown>>, vocabSize: number): ModelSpec {
  const preset = Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
  if (!preset) throw new RangeError(`no preset named ${JSON.stringify(name)}: expected one of ${Object.keys(PRESETS).join(', ')}`);
  const unknown = Object.keys(values).find((key) => !Object.hasOwn(preset.options, key));
  if (unknown) throw new RangeError(`preset ${name} has no option ${unknown}`);
  return preset.spec({ ...Object.fromEntries(Object.entries(preset.options).map(([key, decl]) => [key, readOption(key, decl, undefined)])), ...values }, vocabSize);
}
