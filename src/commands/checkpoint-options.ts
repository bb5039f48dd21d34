// Loading the model a command works on from --checkpoint.

import { loadCheckpoint } from '../io/checkpoint-file.ts';
import type { LoadedCheckpoint } from '../io/checkpoint.ts';
import { join } from 'node:path';
import { MODEL_FILE } from '../io/run-dir.ts';
import { stringOption } from './args.ts';

export const DEFAULT_CHECKPOINT = join('out', MODEL_FILE);

export function checkpointFrom(values: Record<string, unknown>): { file: string; checkpoint: LoadedCheckpoint } {
  const file = stringOption(values, 'checkpoint', DEFAULT_CHECKPOINT);
  return { file, checkpoint: loadCheckpoint(file) };
}
