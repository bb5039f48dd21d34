// A run directory belongs to one run. A new run may only start in a directory without one (or
// replace it when asked to); a resumed run needs its directory to exist. Either way the claimant
// holds the directory's lock (run-lock.ts) until it releases it.

import { existsSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { makeDirectory } from './make-directory.ts';
import { lockRunDirectory } from './run-lock.ts';
import { LOSS_PLOT_FILE, MODEL_FILE, RESUME_FILE } from './run-dir.ts';

/** 'new': refuse a directory that holds a run; 'replace': delete that run's files; 'resume': continue the one there. */
type RunIntent = 'new' | 'replace' | 'resume';

export interface RunClaim {
  /** The files of the previous run that 'replace' deleted. */
  replaced: string[];
  release(): void;
}

export function claimRunDirectory(dir: string, intent: RunIntent): RunClaim {
  if (intent === 'resume') {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(dir, 'no such directory: nothing to resume (train without --resume to start a run)');
  } else {
    makeDirectory(dir, '--out');
  }
  const release = lockRunDirectory(dir);
  try {
    const present = [RESUME_FILE, MODEL_FILE].filter((f) => existsSync(join(dir, f)));
    if (intent === 'new' && present.length > 0) {
      throw new InputError(dir, `already holds a run (${present.join(', ')}): add --resume to continue it, --force to replace it, or choose another --out`);
    }
    // the commit point first: a crash part-way leaves no resume file beside a model it does not know
    const replaced = intent === 'replace' ? [...present, LOSS_PLOT_FILE].filter((f) => existsSync(join(dir, f))) : [];
    for (const f of replaced) unlinkSync(join(dir, f));
    return { replaced, release };
  } catch (e) {
    release();
    throw e;
  }
}
