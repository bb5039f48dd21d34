// Atomic file replacement: write a temporary file beside the target, fsync it, rename it over the
// target, fsync the directory. A crash at any point leaves the old file or the new one, never half.

import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../errors.ts';

export function writeFileAtomic(file: string, bytes: Uint8Array): void {
  const temp = tempFileFor(file);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx');
    for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, file);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // Never created, or already renamed: nothing to clean up.
    }
    throw writeError(file, e as NodeJS.ErrnoException);
  }
  syncDirectory(dirname(file));
}

/**
 * Checks, by creating and removing a temporary file beside it, that `file` could be written now:
 * for a command that works a long time before it writes (sample --out), so that it fails first.
 */
export function checkWritable(file: string): void {
  const temp = tempFileFor(file);
  try {
    closeSync(openSync(temp, 'wx'));
    unlinkSync(temp);
  } catch (e) {
    throw writeError(file, e as NodeJS.ErrnoException);
  }
  if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) throw new InputError(file, 'is a directory: cannot write a file in its place');
}

function tempFileFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** The failure in the user's terms. ENOENT: the directory is missing, or (Linux's /proc, /sys) takes no new files. */
function writeError(file: string, err: NodeJS.ErrnoException): InputError {
  const dir = dirname(file);
  if (err.code === 'ENOENT') {
    const exists = statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;
    return new InputError(file, exists ? `cannot write: directory ${dir} does not accept new files` : `cannot write: directory ${dir} does not exist`);
  }
  if (err.code === 'EISDIR') return new InputError(file, 'is a directory: cannot write a file in its place');
  return new InputError(file, `cannot write: ${err.message}`);
}

/** Makes the rename itself durable. Some platforms (Windows) cannot open a directory: skip there. */
function syncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // Not supported for directories on this filesystem; the rename has still happened.
  } finally {
    closeSync(fd);
  }
}
