// Creating an output directory and its missing parents, one level at a time. Node's own
// mkdirSync(…, { recursive: true }) loops forever where a parent refuses new entries with ENOENT
// (/proc/nope on Linux), and its errors name the path but not the problem in the user's terms.

import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../errors.ts';

/** Makes `dir` (and missing parents); `option` (e.g. "--out") is named in errors as where `dir` came from. */
export function makeDirectory(dir: string, option: string): void {
  const fail = (problem: string): never => {
    throw new InputError(dir, `${problem} (${option})`);
  };
  const missing: string[] = [];
  for (let d = resolve(dir); !isDirectory(d, dir, fail); d = dirname(d)) {
    if (dirname(d) === d) fail('cannot create: no existing parent directory');
    missing.unshift(d);
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'EEXIST' && isDirectory(d, dir, fail)) continue; // made meanwhile by another process
      fail(`cannot create directory ${d}: ${err.code === 'ENOENT' ? 'its parent does not accept new entries' : err.message}`);
    }
  }
}

/** Whether `d` is a directory; false if it does not exist; `fail` if it is something else. */
function isDirectory(d: string, dir: string, fail: (problem: string) => never): boolean {
  try {
    if (statSync(d).isDirectory()) return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false; // ENOTDIR: a parent is a file, found on the way up
    return fail(`cannot use ${d}: ${(e as Error).message}`);
  }
  return fail(d === resolve(dir) ? 'exists and is not a directory' : `${d} is not a directory`);
}
