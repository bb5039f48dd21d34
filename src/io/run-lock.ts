// One writer per run directory: `train.lock` holds the writing process's id and host. A second
// `train` into the same directory finds it and stops; a lock whose process is gone (killed with
// SIGKILL, the machine rebooted) is taken over. Processes on other hosts cannot be checked, so
// their locks are never taken over: the message says how to remove one by hand.

import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../errors.ts';

const LOCK_FILE = 'train.lock';

interface Holder {
  pid: number;
  host: string;
  since: string;
}

/** Takes the lock on `dir` (which must exist) and returns its release, or throws an InputError naming the holder. */
export function lockRunDirectory(dir: string): () => void {
  const file = join(dir, LOCK_FILE);
  const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    if (tryCreate(file, me)) return () => removeIfThere(file);
    const holder = readHolder(file);
    if (holder === 'gone') continue; // released between the two calls
    if (!holder || isRunning(holder)) {
      const who = holder ? `process ${holder.pid} on ${holder.host}, since ${holder.since}` : 'a process that has not yet written its id';
      throw new InputError(dir, `in use by another makemore train (${who}); wait for it, or delete ${file} if no run is going on`);
    }
    removeIfThere(file); // stale: its process is gone
  }
  throw new InputError(dir, `in use: another makemore train took ${file} just now`);
}

function removeIfThere(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone (released, or removed by hand).
  }
}

function tryCreate(file: string, me: Holder): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new InputError(file, `cannot create the lock file: ${(e as Error).message}`);
  }
  try {
    writeSync(fd, JSON.stringify(me));
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The lock's holder; null if unreadable (or created this instant and still empty); 'gone' if there is no lock now. */
function readHolder(file: string): Holder | null | 'gone' {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : null;
  }
  try {
    const h = JSON.parse(text) as Partial<Holder>;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? { pid: h.pid, host: h.host, since: String(h.since) } : null;
  } catch {
    return null;
  }
}

/** Whether the holder may still be running: only a process on this host can be checked. */
function isRunning(holder: Holder): boolean {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0); // signal 0: checks existence, sends nothing
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}
