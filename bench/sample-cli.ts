// npm run bench -- --sample-cli [--num N]: generation as a user meets it. For the lecture preset and
// the WaveNet recipe, one set of briefly trained weights is saved as a checkpoint; then the wall
// clock of a whole process, start-up included: our CLI's `makemore sample --num N` (a child process)
// against PyTorch's one-name-at-a-time sampling loop on the same file (torch_sample.py), at PyTorch's
// default thread count and at ours. The mean name length of both is the cheap correctness check:
// the same weights draw from the same distribution.

import os from 'node:os';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describeBackend, selectBackend } from '../src/backend.ts';
import { saveCheckpoint } from '../src/io/checkpoint-file.ts';
import { DEFAULT_MAX_CHARS } from '../src/generate/candidates.ts';
import { trainedWeights } from './generation.ts';
import { findTorchPython, PYTHON_CANDIDATES, refusal, runPythonScript, type TorchBlas } from './torch.ts';
import { cliCommand } from './cli-command.ts';
import { describeSelection, loadFixture, parameterCount, type ModelSelection } from './setup.ts';
import type { ConvBackend } from './backends.ts';

import { ROOT } from './cli-command.ts';
const SCRIPT = fileURLToPath(new URL('./torch_sample.py', import.meta.url));
/** The seed both samplers are given (`makemore sample --seed 1`; PyTorch's generator). */
const SAMPLE_SEED = 1;
/** Mean name lengths further apart than this (relatively) mean the two samplers disagree. */
export const MEAN_CHARS_TOLERANCE = 0.03;

/** The models of this section: the lecture preset and the WaveNet recipe (230,139 parameters with the names' 27 characters). */
export const SAMPLE_CLI_MODELS: Extract<ModelSelection, { preset: string }>[] = [
  { preset: 'lecture', values: {} },
  { preset: 'wavenet', values: { channels: 96, 'n-embd': 32, norm: 'layernorm', dropout: 0.4 } },
];

export interface SampleCliOptions {
  /** Names each sampler draws (`makemore sample --num`). */
  names: number;
  /** AdamW steps of 64 words that train each model's weights. */
  trainSteps: number;
  /** PyTorch's sampling loop stops after this long; names/s is then extrapolated to `names` (start-up counted once). */
  torchLoopS: number;
  torch: boolean;
  /** Where the weights are trained (the first backend the bench measures). */
  backend: ConvBackend;
  /** Pythons to try for torch (default: torch.ts's candidates). */
  pythons?: readonly string[];
  log?: (line: string) => void;
}

/** One whole process: what a user waits for. */
export interface ProcessRun {
  names: number;
  seconds: number;
  names_per_s: number;
  /** Mean characters per name (the final '.' not counted; a name cut at max_chars counts them all). */
  mean_chars: number;
}

export interface TorchProcessRun extends ProcessRun {
  threads: number;
  /** The run left torch's thread count at its default. */
  default_threads: boolean;
  /** Names the loop drew before its time budget ran out, when fewer than asked: seconds and names/s are extrapolated from them. */
  extrapolated_from: number | null;
  startup_s: number;
  loop_s: number;
}

export interface SampleCliModel {
  model: string;
  parameters: number;
  receptive_field: number;
  /** Ours, then PyTorch's at its default thread count and at ours (one run when they are the same). */
  ours: ProcessRun;
  torch: TorchProcessRun[];
  /** Our names/s over PyTorch's, by `threads N` (null: PyTorch not run, or its BLAS refused). */
  ratio_vs_torch: Record<string, number> | null;
  /** (PyTorch's mean name length − ours) / ours, from PyTorch's first run. */
  mean_chars_diff: number | null;
}

export type TorchSide =
  | { available: true; python: string; version: string; blas: TorchBlas; ratio_refused: string | null }
  | { available: false; reason: string };

export interface SampleCliReport {
  names: number;
  max_chars: number;
  train_steps: number;
  /** How our CLI ran: the built dist/ or the TypeScript sources through tsx, and why. */
  cli: { command: string; runner: 'dist' | 'tsx'; why: string; backend: string; threads: number };
  torch: TorchSide;
  torch_loop_budget_s: number;
  models: SampleCliModel[];
}

export async function runSampleCli(opts: SampleCliOptions): Promise<SampleCliReport> {
  const log = opts.log ?? (() => {});
  const dir = mkdtempSync(join(os.tmpdir(), 'makemore-bench-'));
  const cli = cliCommand();
  const threads = os.cpus().length; // the CLI's default --threads
  const found = opts.torch ? findTorchPython(opts.pythons ?? PYTHON_CANDIDATES) : ({ ok: false, reason: 'skipped (--no-torch)' } as const);
  let torchError = found.ok ? null : found.reason;
  let torchInfo: Omit<Extract<TorchSide, { available: true }>, 'available'> | null = null;
  const models: SampleCliModel[] = [];
  try {
    for (const selection of SAMPLE_CLI_MODELS) {
      const fx = loadFixture(selection);
      const name = describeSelection(selection);
      log(`sample-cli ${name}: ${opts.trainSteps} AdamW steps on ${opts.backend.name}`);
      const { ops, close } = await opts.backend.open();
      const file = join(dir, `${selection.preset}.safetensors`);
      try {
        saveCheckpoint(file, { params: trainedWeights(fx.spec, fx.train, ops, opts.trainSteps), vocab: fx.vocab, spec: fx.spec.spec });
      } finally {
        close();
      }
      log(`sample-cli ${name}: makemore sample --num ${opts.names}`);
      const ours = oursRun(cli.argv, file, opts.names, join(dir, 'names.txt'));
      const runs: TorchProcessRun[] = [];
      for (const t of [null, threads]) {
        if (!found.ok || torchError !== null) break;
        if (t !== null && runs[0]?.threads === t) break; // torch's default is already ours
        log(`sample-cli ${name}: PyTorch's loop, ${t === null ? 'default threads' : `${t} threads`}`);
        const run = torchRun(found.python, file, opts.names, t, opts.torchLoopS);
        if (!run.ok) torchError = run.reason;
        else {
          runs.push(run.run);
          torchInfo ??= { python: found.python, version: run.version, blas: run.blas, ratio_refused: refusal(run.blas) };
        }
      }
      const compared = torchError === null && torchInfo?.ratio_refused === null;
      models.push({
        model: name,
        parameters: parameterCount(fx.spec),
        receptive_field: fx.spec.receptiveField,
        ours,
        torch: runs,
        ratio_vs_torch: compared && runs.length ? Object.fromEntries(runs.map((r) => [`threads ${r.threads}`, ours.names_per_s / r.names_per_s])) : null,
        mean_chars_diff: runs.length ? (runs[0].mean_chars - ours.mean_chars) / ours.mean_chars : null,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const backend = selectBackend();
  return {
    names: opts.names,
    max_chars: DEFAULT_MAX_CHARS,
    train_steps: opts.trainSteps,
    cli: { command: `${cli.argv.join(' ')} sample --checkpoint F --num ${opts.names} --seed ${SAMPLE_SEED} --out FILE`, runner: cli.runner, why: cli.why, backend: describeBackend(backend), threads: backend.mode === 'wasm' ? threads : 1 },
    torch: torchError !== null || torchInfo === null ? { available: false, reason: torchError ?? 'not run' } : { available: true, ...torchInfo },
    torch_loop_budget_s: opts.torchLoopS,
    models,
  };
}

function oursRun(argv: string[], checkpoint: string, names: number, out: string): ProcessRun {
  const [command, ...args] = argv;
  const t0 = performance.now();
  const run = spawnSync(command, [...args, 'sample', '--checkpoint', checkpoint, '--num', String(names), '--seed', String(SAMPLE_SEED), '--out', out], { cwd: ROOT, encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  if (run.error || run.status !== 0) throw new Error(`makemore sample failed: ${run.error?.message ?? String(run.stderr).trim()}`);
  // a name cut at --max-length ends in "…", which is no character of it
  const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean);
  if (lines.length !== names) throw new Error(`makemore sample wrote ${lines.length} names, asked for ${names}`);
  const chars = lines.reduce((n, line) => n + [...line.replace(/…$/, '')].length, 0);
  return { names, seconds, names_per_s: names / seconds, mean_chars: chars / names };
}

type TorchAnswer = { version: string; threads: number; names: number; chars: number; loop_s: number; startup_s: number; blas: TorchBlas };

function torchRun(python: string, checkpoint: string, names: number, threads: number | null, loopS: number): { ok: true; run: TorchProcessRun; version: string; blas: TorchAnswer['blas'] } | { ok: false; reason: string } {
  const input = JSON.stringify({ checkpoint, num: names, seed: SAMPLE_SEED, max_chars: DEFAULT_MAX_CHARS, threads, max_loop_s: loopS });
  const t0 = performance.now();
  const run = runPythonScript<TorchAnswer>(python, SCRIPT, input, (loopS + 300) * 1000);
  const seconds = (performance.now() - t0) / 1000;
  if (!run.ok) return run;
  const a = run.answer;
  // cut short by its budget: the loop's rate over the names it drew, the rest of the process as it was
  const whole = a.names < names ? seconds - a.loop_s + (a.loop_s * names) / a.names : seconds;
  return {
    ok: true,
    version: a.version,
    blas: a.blas,
    run: { threads: a.threads, default_threads: threads === null, names, seconds: whole, names_per_s: names / whole, mean_chars: a.chars / a.names, extrapolated_from: a.names < names ? a.names : null, startup_s: a.startup_s, loop_s: a.loop_s },
  };
}
