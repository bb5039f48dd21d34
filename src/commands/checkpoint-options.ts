// Loading the model a command works on from --checkpoint: a checkpoint, or a run's resume file
// (its latest parameters).

import { readCheckpointFile } from '../io/checkpoint-file.ts';
import { checkpointFromSafetensors, type LoadedCheckpoint } from '../io/checkpoint.ts';
import { decodeSafetensors } from '../io/safetensors.ts';
import { join } from 'node:path';
import { isResumeFile, MODEL_FILE, resumeFromSafetensors } from '../io/run-dir.ts';
import { stringOption } from './args.ts';

export const DEFAULT_CHECKPOINT = join('out', MODEL_FILE);

export function checkpointFrom(values: Record<string, unknown>): { file: string; checkpoint: LoadedCheckpoint } {
  const file = stringOption(values, 'checkpoint', DEFAULT_CHECKPOINT);
  const contents = decodeSafetensors(readCheckpointFile(file), file);
  return { file, checkpoint: isResumeFile(contents) ? resumeFromSafetensors(contents, file).checkpoint : checkpointFromSafetensors(contents, file) };
}
