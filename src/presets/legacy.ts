// Checkpoints written before models were specs (release 0.1.0, and PyTorch exports of the lecture's
// notebook) hold a config (or only tensors) instead of a spec: the spec each one is.

import { kernelOf } from '../params.ts';
import type { Tensor } from '../tensor.ts';
import type { ModelSpec } from '../spec/types.ts';
import { inferLecture, lectureSpec } from './lecture.ts';
import { NORMS, waveNetSpec } from './wavenet.ts';

const LECTURE_KEYS = ['vocabSize', 'nEmbd', 'nHidden', 'nLayers'] as const;

/** The spec of a checkpoint without one, from its stored config (`{}` if none) and its tensors. */
export function legacySpec(stored: Record<string, unknown>, tensors: Map<string, Tensor>, vocabSize: number, fail: (problem: string) => never): ModelSpec {
  if (stored.architecture === 'wavenet') return legacyWaveNet(stored, vocabSize, fail);
  let cfg;
  try {
    cfg = inferLecture(tensors);
  } catch (e) {
    return fail((e as Error).message);
  }
  if (cfg.vocabSize !== vocabSize) fail(`the 'vocab' metadata has ${vocabSize} characters but embedding.weight has ${cfg.vocabSize} rows`);
  if ('kernel' in stored && stored.kernel !== kernelOf(cfg)) fail(`the 'config' metadata disagrees with the tensors: config says kernel = ${JSON.stringify(stored.kernel)} but the tensor shapes give ${kernelOf(cfg)}`);
  const key = LECTURE_KEYS.find((k) => k in stored && stored[k] !== cfg[k]);
  if (key) fail(`the 'config' metadata disagrees with the tensors: config says ${key} = ${JSON.stringify(stored[key])} but the tensor shapes give ${cfg[key]}`);
  return lectureSpec(cfg);
}

function legacyWaveNet(stored: Record<string, unknown>, vocabSize: number, fail: (problem: string) => never): ModelSpec {
  const int = (key: string, min: number) => {
    const v = stored[key];
    return typeof v === 'number' && Number.isInteger(v) && v >= min ? v : fail(`the 'config' metadata's ${key} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
  };
  const dropout = stored.dropout;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) fail(`the 'config' metadata's dropout must be in [0, 1), got ${JSON.stringify(dropout)}`);
  const norm = NORMS.find((n) => n === stored.norm) ?? fail(`the 'config' metadata's norm must be one of ${NORMS.join(', ')}, got ${JSON.stringify(stored.norm)}`);
  if (int('vocabSize', 2) !== vocabSize) fail(`the 'vocab' metadata has ${vocabSize} characters but the config says vocabSize ${stored.vocabSize}`);
  return waveNetSpec({
    vocabSize,
    nEmbd: int('nEmbd', 1),
    channels: int('channels', 1),
    skipChannels: int('skipChannels', 1),
    layers: int('layers', 1),
    stacks: int('stacks', 1),
    dropout: dropout as number,
    norm,
  });
}

/** A release 0.1.0 run's stored model sizes as the preset and options that give the same spec. */
export function legacyRunModel(sizes: Record<string, unknown>): { preset: string; options: Record<string, unknown> } {
  if ('channels' in sizes) {
    const { nEmbd, channels, skipChannels, layers, stacks, dropout, norm } = sizes;
    return { preset: 'wavenet', options: { 'n-embd': nEmbd, channels, 'skip-channels': skipChannels, layers, stacks, dropout, norm } };
  }
  const { nEmbd, nHidden, nLayers, kernel } = sizes;
  return { preset: 'lecture', options: { 'n-embd': nEmbd, 'n-hidden': nHidden, layers: nLayers, kernel: kernel ?? 2 } };
}
