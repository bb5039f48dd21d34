// A training recipe on the path a user runs: `makemore train <recipe> --minutes M --threads T` as a
// whole process, by the step its summary reports ("done at step N"), with the process's peak RSS
// (its worker threads included).

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cliCommand, peakRssFrom, PEAK_RSS_PRELOAD, ROOT } from './cli-command.ts';

export interface RecipeCliRun {
  threads: number;
  /** The step the summary line reports. */
  steps: number;
  peak_rss_mb: number;
}

export interface RecipeCli {
  /** The command line, with T for the thread count. */
  command: string;
  runner: 'dist' | 'tsx';
  why: string;
  minutes: number;
  runs: RecipeCliRun[];
}

/** train's largest --steps: --minutes ends every run first, and the dev split is evaluated at that end only (eval-every is steps/20), as PyTorch's loop never is. */
const UNBOUNDED_STEPS = 10_000_000;

/** `recipe` (train's options) for `seconds` on each thread count, one process after another. */
export function runRecipeCli(recipe: string[], threads: number[], seconds: number): RecipeCli {
  const cli = cliCommand();
  const minutes = seconds / 60;
  const [node, ...script] = cli.argv;
  const args = (t: number | string, out: string) => [...recipe, '--minutes', String(minutes), '--steps', String(UNBOUNDED_STEPS), '--threads', String(t), '--samples', '0', '--out', out];
  const runs = threads.map((t) => {
    const dir = mkdtempSync(join(os.tmpdir(), 'makemore-recipe-cli-'));
    try {
      const run = spawnSync(node, [...PEAK_RSS_PRELOAD, ...script, 'train', ...args(t, join(dir, 'run'))], { cwd: ROOT, encoding: 'utf8' });
      if (run.error || run.status !== 0) throw new Error(`makemore train failed: ${run.error?.message ?? String(run.stderr).trim()}`);
      const done = /done at step (\d+)\//.exec(run.stdout);
      const rss = peakRssFrom(run.stderr);
      if (!done || rss === null) throw new Error(`makemore train did not report its last step and peak RSS:\n${run.stdout}\n${run.stderr}`);
      return { threads: t, steps: Number(done[1]), peak_rss_mb: rss };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return { command: `${cli.argv.join(' ')} train ${args('T', 'DIR').join(' ')}`, runner: cli.runner, why: cli.why, minutes, runs };
}
