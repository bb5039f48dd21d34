// What a spec's model costs, read from the spec once: parameters, the bytes one pass of the conv
// engine keeps per position (what a backend's per-pass arena must fit), and the widest row one
// kernel call reads. Bytes per position are counted per channel of every layer's output, at rates
// taken from the wasm backend's calibration of release 0.1.0 (1,000 words, 8,000 positions): a
// training pass of the lecture model kept 28 bytes per hidden unit and layer (3 outputs: conv,
// BatchNorm, tanh), WaveNet with LayerNorm and dropout 112 per channel and layer (~9 outputs), a
// forward pass 6 and 24: about 3.2 and 0.7 floats per output channel, rounded up; plus the
// embedding, the head's logits and their gradients.

import { numel } from '../tensor.ts';
import type { ResolvedLayer } from '../models/conv-layers/kind.ts';
import { everyLayer, type ResolvedSpec } from './resolve.ts';

const TRAIN_FLOATS_PER_CHANNEL = 3.2;
const EVAL_FLOATS_PER_CHANNEL = 0.7;

/** Trainable elements (running statistics left out), as `ParamSet.count()`. */
export function parameterCount(spec: ResolvedSpec): number {
  return spec.tensors.filter((t) => !t.buffer).reduce((n, t) => n + numel(t.shape), 0);
}

/** Bytes of results a training (forward and backward) or evaluation (forward) pass keeps per position. */
export function passBytesPerPosition(spec: ResolvedSpec, mode: 'train' | 'eval'): number {
  const channels = everyLayer(spec.layers).reduce((n, l) => n + (l.body.length > 0 ? 0 : l.cOut), 0);
  const ends = 4 * (2 * spec.spec.embedding + 4 * spec.spec.vocabSize);
  const perChannel = mode === 'train' ? TRAIN_FLOATS_PER_CHANNEL : EVAL_FLOATS_PER_CHANNEL;
  return Math.ceil(ends + 4 * (foldFloats(spec) + firstTapFloats(spec, mode)) + 4 * channels * perChannel);
}

/**
 * Floats per position the wasm kernels keep for a conv's first tap over the positions it reads
 * (kernels/conv1d.as.ts), at most one per position: its products (forward), and the rows its
 * gradient gathers and transposes (backward); each conv of more than one tap, wherever it runs.
 */
function firstTapFloats(spec: ResolvedSpec, mode: 'train' | 'eval'): number {
  const taps = everyLayer(spec.layers).filter((l) => l.type === 'conv' && (l.fields.kernel as number) > 1);
  return taps.reduce((n, l) => n + l.cOut + (mode === 'train' ? 2 * l.cIn : 0), 0);
}

/**
 * Floats per position that the convs run over a table (models/conv-layers/conv-over-table.ts) keep
 * beyond the plain convs: each further tap's looked-up rows and running sum, less the input the first
 * conv does without (the embedding's output) and the gradient its reader does without (its dx).
 */
function foldFloats(spec: ResolvedSpec): number {
  const [first] = spec.layers;
  if (first?.type !== 'conv') return 0;
  const extra = (conv: ResolvedLayer, without: number) => Math.max(0, 2 * ((conv.fields.kernel as number) - 1) * conv.cOut - without);
  const reader = tableReader(spec.layers);
  return extra(first, spec.spec.embedding) + (reader ? extra(reader, reader.cIn) : 0);
}

/**
 * The conv that may read a 1-tap first conv's output as a table (models/build.ts readTable, which
 * leaves out one fused with BatchNorm and tanh; counted here either way): the next layer when a
 * conv, or the first of a residual's body next.
 */
function tableReader(layers: readonly ResolvedLayer[]): ResolvedLayer | null {
  const [first, next] = layers;
  if (first?.fields.kernel !== 1 || !next) return null;
  const reader = next.type === 'residual' ? next.body[0] : next;
  return reader?.type === 'conv' ? reader : null;
}

/** The widest row one kernel call reads (floats per position): what fits a call's exact index range. */
export function widestRow(spec: ResolvedSpec): number {
  // a conv's calls read K taps of its input, and its backward K rows of its output's gradient
  const layers = everyLayer(spec.layers).map((l) => (typeof l.fields.kernel === 'number' ? l.fields.kernel : 1) * Math.max(l.cIn, l.cOut));
  return Math.max(spec.spec.embedding, spec.spec.vocabSize, spec.width, ...layers);
}
