// Checks, before training starts, that a step fits: the conv kernels' cap on positions per batch,
// a memory ceiling for the activations a step keeps for its backward pass, and, once the backend is
// chosen, its limits (a pass's arena, the rows one kernel call may take).

import { MAX_POSITIONS } from '../../kernels/spec.ts';
import { blockSize, type ModelConfig } from '../params.ts';
import type { EngineName } from '../train/engines.ts';
import { UsageError } from './args.ts';
import { rowsPerCall, type BackendLimits } from '../engine/backend-limits.ts';
import { passBytesPerPosition, widestRow } from '../train/pass-bytes.ts';
import type { AnyModelConfig } from '../wavenet-params.ts';

const MEMORY_LIMIT_BYTES = 2 ** 31;
/** Rough float32s a layer holds per node and hidden unit through a step: input, conv output, normalised, tanh, and their gradients. */
const FLOATS_PER_NODE_UNIT = 8;

/** `file` (the data) is named when its longest item is what makes the batch too big. */
export function checkStepFits(engine: EngineName, cfg: ModelConfig, batch: number, trainWords: number[][], file: string): void {
  const longest = trainWords.reduce((n, w) => Math.max(n, w.length), 0);
  if (engine === 'conv' && batch * (longest + 1) > MAX_POSITIONS) {
    const most = Math.floor(MAX_POSITIONS / (longest + 1));
    throw new UsageError(
      `--batch ${batch}: ${batch} words of up to ${longest} characters (the longest in ${file}) make up to ${(batch * (longest + 1)).toLocaleString('en-US')} positions, ` +
        `over the conv kernels' cap of ${MAX_POSITIONS.toLocaleString('en-US')}; ${most >= 2 ? `use --batch ${most} or less` : 'use --engine tree'}`,
    );
  }
  const bytes = stepBytes(engine, cfg, batch, longest, trainWords);
  if (bytes > MEMORY_LIMIT_BYTES) {
    throw new UsageError(
      `--batch ${batch} with --n-hidden ${cfg.nHidden} and --layers ${cfg.nLayers}: a ${engine} training step would hold about ${gigabytes(bytes)} of activations, ` +
        `over the ${gigabytes(MEMORY_LIMIT_BYTES)} limit; use a smaller --batch, --n-hidden or --layers${engine === 'tree' ? ', or --engine conv' : ''}`,
    );
  }
}

function stepBytes(engine: EngineName, cfg: ModelConfig, batch: number, longest: number, trainWords: number[][]): number {
  const { nEmbd: C, nHidden: H, nLayers: L, vocabSize: V } = cfg;
  if (engine === 'conv') {
    // one node per position and layer
    const positions = batch * (longest + 1);
    return 4 * positions * (2 * C + L * FLOATS_PER_NODE_UNIT * H + 4 * V);
  }
  // every window holds its own 2^L − 1 nodes and 2^L characters; the engine keeps a window per training target
  const B = blockSize(cfg);
  const targets = trainWords.reduce((n, w) => n + w.length + 1, 0);
  return 4 * (batch * B * (2 * C + FLOATS_PER_NODE_UNIT * H) + targets * B);
}

function gigabytes(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/**
 * The conv engine's steps on a backend with `limits`: the batch's training pass within the backend's
 * arena, and the longest word within the rows one kernel call may take (a conv call never splits a word).
 */
export function checkBackendFits(limits: BackendLimits, backend: string, cfg: AnyModelConfig, batch: number, trainWords: number[][], file: string): void {
  const longest = trainWords.reduce((n, w) => Math.max(n, w.length), 0);
  const rows = rowsPerCall(limits, widestRow(cfg));
  if (longest + 1 > rows) {
    throw new UsageError(`${file}: an item of ${longest} characters is over the ${rows - 1} that one kernel call of backend ${backend} can take at these model sizes; use another --backend or smaller model sizes`);
  }
  const bytes = batch * (longest + 1) * passBytesPerPosition(cfg, 'train');
  if (bytes > limits.passBytes) {
    const most = Math.floor(limits.passBytes / ((longest + 1) * passBytesPerPosition(cfg, 'train')));
    throw new UsageError(
      `--batch ${batch}: a training pass would hold about ${gigabytes(bytes)} of results, over backend ${backend}'s ${gigabytes(limits.passBytes)} per pass; ` +
        (most >= 1 ? `use --batch ${most} or less, or smaller model sizes` : 'use smaller model sizes or another --backend'),
    );
  }
}
