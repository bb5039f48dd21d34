// Checkpoint files (Node only): checkpoint.ts's bytes, read from and written atomically to disk.

import { readFileSync } from 'node:fs';
import { InputError } from '../errors.ts';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointContents, type LoadedCheckpoint } from './checkpoint.ts';
import { writeFileAtomic } from './atomic-file.ts';

/**
 * Writes a checkpoint (a safetensors file) to `file`. Atomic: the file holds either its old contents
 * or the whole new checkpoint, never a torn write.
 */
export function saveCheckpoint(file: string, contents: CheckpointContents): void {
  writeFileAtomic(file, encodeCheckpoint(contents));
}

/**
 * Reads a checkpoint written by {@link saveCheckpoint}, by `makemore train`, or by the lecture's
 * notebook (examples/export_lecture_model.py). A missing, unreadable, truncated or inconsistent file
 * throws an {@link InputError} naming `file` and the problem.
 */
export function loadCheckpoint(file: string): LoadedCheckpoint {
  return decodeCheckpoint(readCheckpointFile(file), file);
}

/** The file's bytes, or an {@link InputError} naming it. */
export function readCheckpointFile(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new InputError(file, 'no such file');
    if (err.code === 'EISDIR') throw new InputError(file, 'is a directory, expected a checkpoint file');
    throw new InputError(file, `cannot read: ${err.message}`);
  }
}
