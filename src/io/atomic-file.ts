// Atomic file replacement: write a temporary file beside the target, fsync it, rename it over the
// target, fsync the directory. A crash at any point leaves the old file or the new one, never half.

import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../errors.ts';

export function writeFileAtomic(file: string, bytes: Uint8Array): void {
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
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
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new InputError(file, `cannot write: directory ${dirname(file)} does not exist`);
    if (err.code === 'EISDIR') throw new InputError(file, 'is a directory: cannot write a file in its place');
    throw new InputError(file, `cannot write: ${err.message}`);
  }
  syncDirectory(dirname(file));
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
