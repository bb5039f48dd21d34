// How the bench runs our CLI as a user does: the built one when it is current, else the sources
// through tsx (said in the report); and a preload that reports the process's peak RSS as it exits.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root: the CLI runs from there. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The built CLI when dist/ is at least as new as every source file (what users run), else the sources through tsx. */
export function cliCommand(): { argv: string[]; runner: 'dist' | 'tsx'; why: string } {
  const built = join(ROOT, 'dist/src/cli.js');
  if (!existsSync(built)) return { argv: ['node', '--import', 'tsx', 'src/cli.ts'], runner: 'tsx', why: 'dist/ is not built (npm run build)' };
  const source = newestMtime(join(ROOT, 'src'));
  if (statSync(built).mtimeMs < source) return { argv: ['node', '--import', 'tsx', 'src/cli.ts'], runner: 'tsx', why: 'dist/ is older than src/ (npm run build)' };
  return { argv: ['node', 'bin/makemore.js'], runner: 'dist', why: 'dist/ is built and up to date' };
}

function newestMtime(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newestMtime(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)),
  );
}

/** Node options that make the process write `peak-rss-kb N` (its workers' memory included) to stderr as it exits. */
export const PEAK_RSS_PRELOAD = ['--import', `data:text/javascript,process.on('exit',()=>process.stderr.write('peak-rss-kb '+process.resourceUsage().maxRSS+'\\n'))`];

/** The peak RSS in MiB that PEAK_RSS_PRELOAD wrote into `stderr`, or null. */
export function peakRssFrom(stderr: string): number | null {
  const m = /peak-rss-kb (\d+)/.exec(stderr);
  return m ? Number(m[1]) / 1024 : null;
}
