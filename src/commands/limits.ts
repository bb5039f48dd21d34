// Checks, before training starts, that a step fits: the conv kernels' cap on positions per batch, a
// memory ceiling for what a step holds (the activations kept for its backward pass, the parameters
// with their gradients and AdamW moments), and, once the backend is chosen, its limits (a pass's
// arena, the rows one kernel call may take).

import { MAX_POSITIONS } from '../../kernels/spec.ts';
import { blockSize } from '../params.ts';
import { asLecture } from '../presets/lecture.ts';
import type { EngineName } from '../train/engines.ts';
import { parameterCount, passBytesPerPosition, widestRow } from '../spec/cost.ts';
import type { ResolvedSpec } from '../spec/resolve.ts';
import { rowsPerCall, type BackendLimits } from '../engine/backend-limits.ts';
import { UsageError } from './args.ts';

const MEMORY_LIMIT_BYTES = 2 ** 31;
/** Rough float32s a tree-form layer holds per node and hidden unit through a step: input, conv output, normalised, tanh, and their gradients. */
const FLOATS_PER_NODE_UNIT = 8;
/** A parameter's float32s through a step: its value, its gradient, AdamW's two moments. */
const FLOATS_PER_PARAMETER = 4;

/** `file` (the data) is named when its longest item is what makes the batch too big. */
export function checkStepFits(engine: EngineName, spec: ResolvedSpec, batch: number, trainWords: number[][], file: string): void {
  const longest = longestWord(trainWords);
  if (engine === 'conv' && batch * (longest + 1) > MAX_POSITIONS) {
    const most = Math.floor(MAX_POSITIONS / (longest + 1));
    throw new UsageError(
      `--batch ${batch}: ${batch} words of up to ${longest} characters (the longest in ${file}) make up to ${(batch * (longest + 1)).toLocaleString('en-US')} positions, ` +
        `over the conv kernels' cap of ${MAX_POSITIONS.toLocaleString('en-US')}; ${most >= 2 ? `use --batch ${most} or less` : 'use --engine tree'}`,
    );
  }
  const bytes = activationBytes(engine, spec, batch, longest, trainWords) + 4 * FLOATS_PER_PARAMETER * parameterCount(spec);
  if (bytes > MEMORY_LIMIT_BYTES) {
    throw new UsageError(
      `--batch ${batch} with this model (${parameterCount(spec).toLocaleString('en-US')} parameters): a ${engine} training step would hold about ${gigabytes(bytes)} of activations and parameters, ` +
        `over the ${gigabytes(MEMORY_LIMIT_BYTES)} limit; use a smaller --batch or model${engine === 'tree' ? ', or --engine conv' : ''}`,
    );
  }
}

function activationBytes(engine: EngineName, spec: ResolvedSpec, batch: number, longest: number, trainWords: number[][]): number {
  const cfg = engine === 'tree' ? asLecture(spec.spec) : null;
  // the conv form: one node per position and layer, as measured on the wasm backend
  if (!cfg) return batch * (longest + 1) * passBytesPerPosition(spec, 'train');
  // every window holds its own 2^L − 1 nodes and 2^L characters; the engine keeps a window per training target
  const { nEmbd: C, nHidden: H } = cfg;
  const B = blockSize(cfg);
  const targets = trainWords.reduce((n, w) => n + w.length + 1, 0);
  return 4 * (batch * B * (2 * C + FLOATS_PER_NODE_UNIT * H) + targets * B);
}

/** Characters of the longest of `words`. */
export function longestWord(words: number[][]): number {
  return words.reduce((n, w) => Math.max(n, w.length), 0);
}

function gigabytes(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/**
 * The conv engine's steps on a backend with `limits`: the batch's training pass within the backend's
 * arena, and the longest word within the rows one kernel call may take (a conv call never splits a word).
 */
export function checkBackendFits(limits: BackendLimits, backend: string, spec: ResolvedSpec, batch: number, trainWords: number[][], file: string): void {
  const longest = longestWord(trainWords);
  const rows = rowsPerCall(limits, widestRow(spec));
  if (longest + 1 > rows) {
    throw new UsageError(`${file}: an item of ${longest} characters is over the ${rows - 1} that one kernel call of backend ${backend} can take at these model sizes; use another --backend or smaller model sizes`);
  }
  const perWord = (longest + 1) * passBytesPerPosition(spec, 'train');
  const bytes = batch * perWord;
  if (bytes > limits.passBytes) {
    const most = Math.floor(limits.passBytes / perWord);
    throw new UsageError(
      `--batch ${batch}: a training pass would hold about ${gigabytes(bytes)} of results, over backend ${backend}'s ${gigabytes(limits.passBytes)} per pass; ` +
        (most >= 1 ? `use --batch ${most} or less, or smaller model sizes` : 'use smaller model sizes or another --backend'),
    );
  }
}
