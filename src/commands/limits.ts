// Checks, before training starts, that a step fits: the conv kernels' cap on positions per batch,
// and a memory ceiling for what a step holds: the activations kept for its backward pass, and the
// parameters with their gradients and AdamW moments.

import { MAX_POSITIONS } from '../../kernels/spec.ts';
import { blockSize, expectedShapes, type ModelConfig } from '../params.ts';
import { isWaveNet, layerCount, waveNetShapes, type AnyModelConfig, type WaveNetConfig } from '../wavenet-params.ts';
import type { EngineName } from '../train/engines.ts';
import { UsageError } from './args.ts';

const MEMORY_LIMIT_BYTES = 2 ** 31;
/** Rough float32s a layer holds per node and hidden unit through a step: input, conv output, normalised, tanh, and their gradients. */
const FLOATS_PER_NODE_UNIT = 8;
/** A parameter's float32s through a step: its value, its gradient, AdamW's two moments. */
const FLOATS_PER_PARAMETER = 4;

/** `file` (the data) is named when its longest item is what makes the batch too big. */
export function checkStepFits(engine: EngineName, cfg: AnyModelConfig, batch: number, trainWords: number[][], file: string): void {
  const longest = trainWords.reduce((n, w) => Math.max(n, w.length), 0);
  if (engine === 'conv' && batch * (longest + 1) > MAX_POSITIONS) {
    const most = Math.floor(MAX_POSITIONS / (longest + 1));
    throw new UsageError(
      `--batch ${batch}: ${batch} words of up to ${longest} characters (the longest in ${file}) make up to ${(batch * (longest + 1)).toLocaleString('en-US')} positions, ` +
        `over the conv kernels' cap of ${MAX_POSITIONS.toLocaleString('en-US')}; ${most >= 2 ? `use --batch ${most} or less` : 'use --engine tree'}`,
    );
  }
  const bytes = 4 * (activationFloats(engine, cfg, batch, longest, trainWords) + FLOATS_PER_PARAMETER * parameterCount(cfg));
  if (bytes > MEMORY_LIMIT_BYTES) {
    throw new UsageError(
      `--batch ${batch} with ${sizeOptions(cfg)}: a ${engine} training step would hold about ${gigabytes(bytes)} of activations and parameters, ` +
        `over the ${gigabytes(MEMORY_LIMIT_BYTES)} limit; use a smaller --batch or model${engine === 'tree' ? ', or --engine conv' : ''}`,
    );
  }
}

function activationFloats(engine: EngineName, cfg: AnyModelConfig, batch: number, longest: number, trainWords: number[][]): number {
  const positions = batch * (longest + 1);
  if (isWaveNet(cfg)) return positions * waveNetFloatsPerPosition(cfg);
  const { nEmbd: C, nHidden: H, nLayers: L, vocabSize: V } = cfg;
  // one node per position and layer
  if (engine === 'conv') return positions * (2 * C + L * FLOATS_PER_NODE_UNIT * H + 4 * V);
  // every window holds its own 2^L − 1 nodes and 2^L characters; the engine keeps a window per training target
  const B = blockSize(cfg);
  const targets = trainWords.reduce((n, w) => n + w.length + 1, 0);
  return batch * B * (2 * C + FLOATS_PER_NODE_UNIT * H) + targets * B;
}

/** Per layer: the dilated conv's 2C outputs, normalised, the gate's C, dropout's C, the residual's C, the skip's S; each with its gradient. */
function waveNetFloatsPerPosition(cfg: WaveNetConfig): number {
  const { nEmbd: E, channels: C, skipChannels: S, vocabSize: V } = cfg;
  return 2 * (E + C + layerCount(cfg) * (7 * C + S) + 4 * S + 2 * V);
}

function parameterCount(cfg: AnyModelConfig): number {
  const shapes = isWaveNet(cfg) ? [...waveNetShapes(cfg).values()].map((t) => t.shape) : [...expectedShapes(cfg as ModelConfig).values()];
  return shapes.reduce((n, shape) => n + shape.reduce((a, b) => a * b, 1), 0);
}

function sizeOptions(cfg: AnyModelConfig): string {
  if (isWaveNet(cfg)) return `--channels ${cfg.channels}, --skip-channels ${cfg.skipChannels}, --layers ${cfg.layers} and --stacks ${cfg.stacks}`;
  return `--n-hidden ${cfg.nHidden} and --layers ${cfg.nLayers}`;
}

function gigabytes(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}
