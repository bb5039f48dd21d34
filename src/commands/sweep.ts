// makemore sweep: the runs of a grid file in sequence, each a `makemore train` in its own directory,
// then the results table (markdown, JSON) and plot. Resumable: a finished run (its result.json) is
// skipped, an interrupted one continues from its resume file. With --jobs N, N runs at a time, each
// a `makemore train` child process (its output lines prefixed with the run's name), --threads 1
// unless the grid gives threads.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { storedModel, type RunSettings } from './train-settings.ts';
import { writeFileAtomic } from '../io/atomic-file.ts';
import { loadCheckpoint } from '../io/checkpoint-file.ts';
import { InputError } from '../errors.ts';
import { loadResume, MODEL_FILE, RESUME_FILE } from '../io/run-dir.ts';
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
  jobs: {
    type: 'int',
    min: 1,
    max: 64,
    default: 1,
    help: 'runs at a time: above 1, each run is a makemore train child process, with\n--threads 1 unless the grid gives threads; Ctrl-C stops (and saves) them all',
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
  const { grid: gridFile, out, jobs } = parsed.values;
  if (!gridFile) throw new UsageError('--grid FILE is required (see makemore sweep --help)');
  const runs = parseGrid(readText(gridFile), gridFile);
  if (jobs > 1) return sweepInParallel(runs, out, jobs);
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
  return { status, result: await finishRun(run, dir, summary, run.options) };
}

/** The run's result.json (written) from its summary; `backend` holds the options its train and test losses are computed with. */
async function finishRun(run: GridRun, dir: string, summary: TrainSummary, backend: GridRun['options']): Promise<RunResult> {
  const best = summary.state.best;
  if (!best) throw new Error('unreachable: a finished run has a best evaluation');
  const losses = await splitLosses(join(dir, MODEL_FILE), backend);
  const result: RunResult = {
    name: run.name,
    options: run.options,
    model: `${describeModel(summary.model)}; receptive field ${summary.spec.receptiveField}`,
    parameters: summary.parameters,
    steps: summary.state.step,
    seconds: summary.state.seconds,
    dev: best.loss,
    bestStep: best.step,
    ...losses,
  };
  writeFileAtomic(join(dir, RESULT_FILE), new TextEncoder().encode(JSON.stringify(result, null, 1) + '\n'));
  return result;
}

/** Up to `jobs` runs at once as child processes; the results are written (in the grid's order) as each finishes. */
async function sweepInParallel(runs: GridRun[], out: string, jobs: number): Promise<number> {
  const results: (RunResult | null)[] = runs.map(() => null);
  const children = new Set<ReturnType<typeof spawn>>();
  let stopped: NodeJS.Signals | null = null;
  let failed = 0;
  // the children run in their own process groups: a terminal's Ctrl-C reaches them once, from here
  const forward = (signal: NodeJS.Signals) => {
    if (stopped) {
      for (const child of children) child.kill('SIGKILL');
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    stopped = signal;
    for (const child of children) child.kill(signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, forward);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < runs.length && !stopped && failed === 0) {
      const i = next++;
      const run = runs[i];
      const dir = join(out, run.name);
      const done = join(dir, RESULT_FILE);
      process.stderr.write(`sweep: run ${i + 1}/${runs.length} ${run.name}${existsSync(done) ? ' (done, skipped)' : ''}\n`);
      if (existsSync(done)) {
        results[i] = JSON.parse(readFileSync(done, 'utf8')) as RunResult;
        continue;
      }
      const options = Object.hasOwn(run.options, 'threads') ? run.options : { ...run.options, threads: 1 };
      const resume = existsSync(join(dir, RESUME_FILE)) ? ['--resume'] : [];
      const status = await child(run.name, [...trainArgs(options), '--out', dir, ...resume], children);
      if (status !== 0) {
        failed ||= status;
        continue;
      }
      const point = loadResume(dir);
      const best = point.state.best;
      if (!best) {
        failed ||= 1;
        continue;
      }
      const stored = point.checkpoint.config.run as RunSettings;
      const summary = { state: { ...point.state, best }, parameters: point.checkpoint.params.count(), spec: point.checkpoint.spec, model: storedModel(stored) };
      results[i] = await finishRun(run, dir, summary, options);
      writeResults(out, results.filter((r): r is RunResult => r !== null));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(jobs, runs.length) }, worker));
  } finally {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.off(signal, forward);
  }
  if (stopped) return stopped === 'SIGINT' ? 130 : 143;
  if (failed !== 0) return failed;
  const all = results.filter((r): r is RunResult => r !== null);
  writeResults(out, all);
  process.stdout.write(resultsMarkdown(all));
  return 0;
}

/** `makemore train args` as a child process (this same CLI), its output lines prefixed with `[name] `; its exit status. */
function child(name: string, args: string[], children: Set<ReturnType<typeof spawn>>): Promise<number> {
  const proc = spawn(process.execPath, [...process.execArgv, process.argv[1], 'train', ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.add(proc);
  const prefix = (to: NodeJS.WriteStream) => {
    let pending = '';
    return {
      data: (chunk: Buffer) => {
        const lines = (pending + chunk.toString('utf8')).split(/\r?\n|\r/);
        pending = lines.pop()!;
        for (const line of lines) to.write(`[${name}] ${line}\n`);
      },
      end: () => {
        if (pending) to.write(`[${name}] ${pending}\n`);
      },
    };
  };
  const out = prefix(process.stdout);
  const err = prefix(process.stderr);
  proc.stdout!.on('data', out.data);
  proc.stderr!.on('data', err.data);
  return new Promise((resolve) => {
    proc.on('error', (e) => {
      process.stderr.write(`[${name}] could not start makemore train: ${e.message}\n`);
      children.delete(proc);
      resolve(1);
    });
    proc.on('close', (code, signal) => {
      out.end();
      err.end();
      children.delete(proc);
      resolve(code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1));
    });
  });
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
