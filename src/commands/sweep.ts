// makemore sweep: the runs of a grid file in sequence, each a `makemore train` in its own directory,
// then the results table (markdown, JSON) and plot. Resumable: a finished run (its result.json) is
// skipped, an interrupted one continues from its resume file.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-file.ts';
import { loadCheckpoint } from '../io/checkpoint-file.ts';
import { InputError } from '../errors.ts';
import { MODEL_FILE, RESUME_FILE } from '../io/run-dir.ts';
import { parseGrid, trainArgs, type GridRun } from '../sweep/grid.ts';
import { resultsMarkdown, resultsSvg, type RunResult } from '../sweep/results.ts';
import { optionsHelp, type OptionTable } from '../options/declare.ts';
import { parseCommand, UsageError } from './args.ts';
import { DEFAULT_DATA, loadDataset } from './dataset.ts';
import { BACKEND_OPTIONS, backendRequest, chooseEngine } from './engine-choice.ts';
import { describeModel } from './model-options.ts';
import { trainCommand, type TrainSummary } from './train.ts';

/** Every option of `makemore sweep`. */
export const SWEEP_OPTIONS = {
  grid: {
    type: 'string',
    arg: 'FILE',
    help: 'JSON: {"defaults": {train options}, "runs": [{"name": DIR, "options": {train options}}]}\n(option names as makemore train\'s, without "--"; use "steps" and/or "minutes" as the budget)',
  },
  out: {
    type: 'string',
    arg: 'DIR',
    default: 'sweep',
    help: 'a directory per run, and results.md, results.json, results.svg\n(dev loss against parameters and against wall time)',
  },
} as const satisfies OptionTable;

export const SWEEP_HELP = `makemore sweep — train the runs of a grid file in sequence and tabulate them; run it again to
resume (a finished run is skipped, an interrupted one continues)

${optionsHelp(SWEEP_OPTIONS)}`;

const RESULT_FILE = 'result.json';

/** Exit status: 0, or a run's 130/143 when a signal stopped it. */
export async function sweepCommand(argv: string[]): Promise<number> {
  const parsed = parseCommand('sweep', argv, SWEEP_OPTIONS);
  if (parsed.help) {
    process.stdout.write(SWEEP_HELP);
    return 0;
  }
  const { grid: gridFile, out } = parsed.values;
  if (!gridFile) throw new UsageError('--grid FILE is required (see makemore sweep --help)');
  const runs = parseGrid(readText(gridFile), gridFile);
  const results: RunResult[] = [];
  for (const [i, run] of runs.entries()) {
    const dir = join(out, run.name);
    const done = join(dir, RESULT_FILE);
    process.stderr.write(`sweep: run ${i + 1}/${runs.length} ${run.name}${existsSync(done) ? ' (done, skipped)' : ''}\n`);
    const outcome = existsSync(done) ? { status: 0, result: JSON.parse(readFileSync(done, 'utf8')) as RunResult } : await runOne(run, dir);
    if (!outcome.result) return outcome.status; // stopped: the run's resume file holds it
    results.push(outcome.result);
    writeResults(out, results);
  }
  process.stdout.write(resultsMarkdown(results));
  return 0;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(file, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message);
  }
}

// the run's result, or null with the status train exited with when it did not finish
async function runOne(run: GridRun, dir: string): Promise<{ status: number; result: RunResult | null }> {
  const resume = existsSync(join(dir, RESUME_FILE)) ? ['--resume'] : [];
  const got: { summary?: TrainSummary } = {};
  const status = await trainCommand([...trainArgs(run.options), '--out', dir, ...resume], (s) => (got.summary = s));
  const { summary } = got;
  if (status !== 0 || !summary?.state.best) return { status, result: null };
  const losses = await splitLosses(join(dir, MODEL_FILE), run.options);
  const result: RunResult = {
    name: run.name,
    options: run.options,
    model: `${describeModel(summary.model)}; receptive field ${summary.spec.receptiveField}`,
    parameters: summary.parameters,
    steps: summary.state.step,
    seconds: summary.state.seconds,
    dev: summary.state.best.loss,
    bestStep: summary.state.best.step,
    ...losses,
  };
  writeFileAtomic(join(dir, RESULT_FILE), new TextEncoder().encode(JSON.stringify(result, null, 1) + '\n'));
  return { status, result };
}

/** Train and test loss of the run's best checkpoint (eval mode, the conv engine). */
async function splitLosses(file: string, options: GridRun['options']): Promise<{ train: number; test: number }> {
  const checkpoint = loadCheckpoint(file);
  const data = loadDataset(String(options.data ?? DEFAULT_DATA), checkpoint.vocab);
  // the run's own --backend and --threads (train has checked them)
  const backend = Object.fromEntries(Object.entries(options).filter(([key]) => Object.hasOwn(BACKEND_OPTIONS, key)));
  const parsed = parseCommand('sweep', trainArgs(backend), BACKEND_OPTIONS);
  if (parsed.help) throw new Error('unreachable: a grid cannot hold help (grid.ts reserves it)');
  const choice = await chooseEngine('conv', checkpoint.params, checkpoint.spec, [], backendRequest(parsed.values, parsed.given));
  try {
    return { train: choice.engine.evaluate(data.words.train).loss, test: choice.engine.evaluate(data.words.test).loss };
  } finally {
    choice.close();
  }
}

function writeResults(out: string, results: RunResult[]): void {
  const text = (s: string) => new TextEncoder().encode(s);
  writeFileAtomic(join(out, 'results.md'), text(resultsMarkdown(results)));
  writeFileAtomic(join(out, 'results.json'), text(JSON.stringify(results, null, 1) + '\n'));
  writeFileAtomic(join(out, 'results.svg'), text(resultsSvg(results)));
}
