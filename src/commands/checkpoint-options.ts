// Loading the model a command works on from --checkpoint: a checkpoint, or a run's resume file
// (its latest parameters).

import { readCheckpointFile } from '../io/checkpoint-file.ts';
import { checkpointFromSafetensors, type LoadedCheckpoint } from '../io/checkpoint.ts';
import { decodeSafetensors } from '../io/safetensors.ts';
import { join } from 'node:path';
import { isResumeFile, MODEL_FILE, resumeFromSafetensors } from '../io/run-dir.ts';
import { hasTensorChecksums } from '../io/tensor-checksum.ts';
import { stringOption } from './args.ts';
import { noteUnverified } from './checksum-note.ts';

export const DEFAULT_CHECKPOINT = join('out', MODEL_FILE);

export function checkpointFrom(values: Record<string, unknown>): { file: string; checkpoint: LoadedCheckpoint } {
  const file = stringOption(values, 'checkpoint', DEFAULT_CHECKPOINT);
  const contents = decodeSafetensors(readCheckpointFile(file), file);
  const checkpoint = isResumeFile(contents) ? resumeFromSafetensors(contents, file).checkpoint : checkpointFromSafetensors(contents, file);
  // after loading: a file that fails to load gets its one error line, not a note before it
  if (!hasTensorChecksums(contents.metadata)) noteUnverified(file);
  return { file, checkpoint };
}
