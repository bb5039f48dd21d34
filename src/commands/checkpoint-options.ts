// Loading the model a command works on from --checkpoint: a checkpoint, or a run's resume file
// (its latest parameters).

import { readCheckpointFile } from '../io/checkpoint-file.ts';
import { checkpointFromSafetensors, type LoadedCheckpoint } from '../io/checkpoint.ts';
import { decodeSafetensors } from '../io/safetensors.ts';
import { join } from 'node:path';
import { isResumeFile, MODEL_FILE, resumeFromSafetensors } from '../io/run-dir.ts';
import { hasTensorChecksums } from '../io/tensor-checksum.ts';
import type { OptionTable } from '../options/declare.ts';
import { noteUnverified } from './checksum-note.ts';

export const DEFAULT_CHECKPOINT = join('out', MODEL_FILE);

/** --checkpoint, for the commands that read a model (eval, sample, info, embeddings). */
export const CHECKPOINT_OPTIONS = {
  checkpoint: {
    type: 'string',
    arg: 'FILE',
    default: DEFAULT_CHECKPOINT,
    help: "a run's model, or its resume.safetensors (its latest parameters);\na PyTorch-trained file with the same tensor names loads too",
  },
} as const satisfies OptionTable;

/** The checkpoint in `file`, loaded and checked. */
export function checkpointFrom(file: string): { file: string; checkpoint: LoadedCheckpoint } {
  const contents = decodeSafetensors(readCheckpointFile(file), file);
  const checkpoint = isResumeFile(contents) ? resumeFromSafetensors(contents, file).checkpoint : checkpointFromSafetensors(contents, file);
  // after loading: a file that fails to load gets its one error line, not a note before it
  if (!hasTensorChecksums(contents.metadata)) noteUnverified(file);
  return { file, checkpoint };
}
