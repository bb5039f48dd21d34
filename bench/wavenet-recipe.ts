// The WaveNet recipe's training throughput, ours against PyTorch's (npm run bench -- --wavenet-recipe;
// also part of the full run): the model `makemore train --model wavenet --channels 96 --n-embd 32
// --norm layernorm --dropout 0.4 --optimizer adamw --batch 64` trains, 64 whole words a step, AdamW.
//  - ours: the wasm backend on 1 and 2 threads, each in its plain and (where the engine takes it)
//    relaxed-SIMD build, steps/s and targets/s, each with the step op by op (timeOps), and the
//    product kernels' GFLOP/s on a 64-word batch's shapes as a fraction of the build's wasm
//    multiply-add ceiling (peak.ts) times the threads;
//  - PyTorch (torch_wavenet.py): the same model from the same initial weights (our checkpoint file),
//    whole words packed end to end with clamped taps (as ours), the same AdamW, on 1 and 2 threads (torch.set_num_threads);
//  - the ratios ours/PyTorch in targets/s (one thread each; each on its best thread count), refused
//    when PyTorch runs on the reference BLAS; both sides' peak RSS;
//  - a correctness check: dropout off, the same 64 words, both sides' loss before and after one AdamW step.
// The learning rate stays at its first value (the decay at 75% of the steps changes no cost).

import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createWasmOps, relaxedSimdAvailable, type SimdVariant } from '../src/engine/wasm-ops.ts';
import { nodeWorkers } from '../src/engine/node-workers.ts';
import { presetSpec } from '../src/presets/registry.ts';
import { resolveSpec } from '../src/spec/resolve.ts';
import { PythonRandom } from '../src/rng.ts';
import { zeroGrads } from '../src/params.ts';
import { convEngine } from '../src/train/engines.ts';
import { DEFAULT_LR, Optimizer, type OptimizerConfig } from '../src/train/optimizer.ts';
import { sampleWords } from '../src/train/batches.ts';
import type { Budget } from './measure.ts';
import { peakRssMb } from './measure.ts';
import { describeSelection, freshParams, loadFixture, parameterCount, SEED, withInitialCheckpoint, type Fixture, type ModelSelection } from './setup.ts';
import { convUnderTest, stepProfile, trainRate } from './training.ts';
import { timeOps } from './op-profile.ts';
import { describeMatmuls, kernelCases, kernelGflops, HOT_KERNELS, type HotKernel, type KernelCase } from './kernels.ts';
import { peakMulAddGflops } from './peak.ts';
import { findTorchPython, PYTHON_CANDIDATES, runPythonScript } from './torch.ts';
import { refusal } from './sample-cli.ts';

/** The recipe's model (230,139 parameters with the names' 27 characters). */
export const RECIPE_MODEL: Extract<ModelSelection, { preset: string }> = { preset: 'wavenet', values: { channels: 96, 'n-embd': 32, norm: 'layernorm', dropout: 0.4 } };
export const RECIPE_BATCH = 64;
/** `--optimizer adamw` with the CLI's defaults (train-settings.ts): lr 0.003, weight decay 0.01, decay at 75%. */
export const RECIPE_OPTIMIZER: OptimizerConfig = { name: 'adamw', lr: DEFAULT_LR.adamw, decayAt: 0.75, weightDecay: 0.01 };
/** |ours − PyTorch| of the check's losses at most this: the same float32 sums in another order. */
export const LOSS_TOLERANCE = 1e-5;

/** PyTorch's side: the recipe's model from our checkpoint, trained as ours (its request's `mode`: throughput here, time_to_dev in time-to-dev.ts). */
export const TORCH_WAVENET_SCRIPT = fileURLToPath(new URL('./torch_wavenet.py', import.meta.url));

export interface RecipeBudgets {
  /** Each side's training rate at each thread count. */
  train: Budget;
  /** Steps timed op by op. */
  profileSteps: number;
  kernel: Budget;
  /** The multiply-add ceiling. */
  peak: Budget;
}

export interface RecipeOptions {
  budgets: RecipeBudgets;
  torch: boolean;
  /** Thread counts of both sides (default 1 and 2, or 1 on a 1-core machine). */
  threads?: number[];
  /** Pythons to try for torch (the test points at a missing one). */
  pythons?: readonly string[];
  log?: (line: string) => void;
}

export interface RecipeOurs {
  threads: number;
  simd: SimdVariant;
  steps_per_s: number;
  targets_per_s: number;
  /** op → ms per step, with `other` and the whole `step`. */
  step_ms_by_op: Record<string, number>;
  kernel_gflops: Record<HotKernel, number>;
  /** kernel_gflops over threads × the one-thread multiply-add ceiling. */
  kernel_fraction_of_peak: Record<HotKernel, number>;
}

export interface RecipeTorchRun {
  threads: number;
  steps_per_s: number;
  targets_per_s: number;
}

export interface RecipeLosses {
  first_step: number;
  after_one_step: number;
}

export type RecipeTorch =
  | { available: true; python: string; version: string; blas: { info: string; libraries: string[]; kind: string }; ratio_refused: string | null; runs: RecipeTorchRun[] }
  | { available: false; reason: string };

export interface WavenetRecipeReport {
  model: string;
  parameters: number;
  receptive_field: number;
  batch: number;
  optimizer: OptimizerConfig;
  budgets: RecipeBudgets;
  /** GFLOP/s of f32x4 multiply-add chains on one thread (kernels/peak.as.ts), per SIMD build run. */
  peak_mul_add_gflops: Partial<Record<SimdVariant, number>>;
  kernel_shapes: Record<HotKernel, string>;
  ours: RecipeOurs[];
  torch: RecipeTorch;
  /** ours / PyTorch in targets/s: one thread each, and each on its best thread count; null without torch or when refused. */
  ratios: { one_thread: number | null; best: number | null };
  /** Dropout off, one batch of the recipe's size, the same initial weights: the loss before and after one AdamW step. */
  check: { words: number; targets: number; ours: RecipeLosses; torch: RecipeLosses | null; max_abs_diff: number | null; agree: boolean | null };
  /** node: the whole bench process; torch: its training process. */
  peak_rss_mb: { node: number; torch?: number };
}

export async function runWavenetRecipe(opts: RecipeOptions): Promise<WavenetRecipeReport> {
  const log = opts.log ?? (() => {});
  const b = opts.budgets;
  const fx = loadFixture(RECIPE_MODEL);
  const threads = opts.threads ?? (os.cpus().length > 1 ? [1, 2] : [1]);
  const batch = sampleWords(fx.train, RECIPE_BATCH, new PythonRandom(SEED));
  const cases = kernelCases(batch, fx.spec);
  const builds: SimdVariant[] = relaxedSimdAvailable() ? ['plain', 'relaxed'] : ['plain'];
  const peaks: Partial<Record<SimdVariant, number>> = {};
  for (const simd of builds) {
    log(`wavenet recipe: the wasm multiply-add ceiling, one thread, ${simd} SIMD`);
    peaks[simd] = await peakMulAddGflops(b.peak, simd);
  }

  const ours: RecipeOurs[] = [];
  for (const t of threads) for (const simd of builds) ours.push(await recipeOurs(fx, t, simd, cases, peaks[simd]!, b, log));
  log('wavenet recipe: our first-step loss, dropout off');
  const checkWords = checkBatchWords(fx);
  const oursLosses = await ourCheckLosses(fx);

  let torch: RecipeTorch;
  let torchLosses: RecipeLosses | null = null;
  let torchRss: number | undefined;
  const found = opts.torch ? findTorchPython(opts.pythons ?? PYTHON_CANDIDATES) : ({ ok: false, reason: 'skipped (--no-torch)' } as const);
  if (!found.ok) torch = { available: false, reason: found.reason };
  else {
    log(`wavenet recipe: PyTorch at ${threads.join(' and ')} thread(s)`);
    const run = withInitialCheckpoint(fx, (file) => torchRun(found.python, file, fx, checkWords, threads, b.train));
    if (!run.ok) torch = { available: false, reason: run.reason };
    else {
      const r = run.result;
      torch = { available: true, python: found.python, version: r.version, blas: r.blas, ratio_refused: refusal(r.blas), runs: r.train.map(({ threads, steps_per_s, targets_per_s }) => ({ threads, steps_per_s, targets_per_s })) };
      torchLosses = { first_step: r.check.loss_first_step, after_one_step: r.check.loss_after_one_step };
      torchRss = r.peak_rss_mb;
      if (r.check.targets !== oursLosses.targets) throw new Error(`the check's batch: ${oursLosses.targets} targets here, ${r.check.targets} in PyTorch`);
    }
  }

  const diff = torchLosses ? Math.max(Math.abs(torchLosses.first_step - oursLosses.losses.first_step), Math.abs(torchLosses.after_one_step - oursLosses.losses.after_one_step)) : null;
  return {
    model: describeSelection(RECIPE_MODEL),
    parameters: parameterCount(fx.spec),
    receptive_field: fx.spec.receptiveField,
    batch: RECIPE_BATCH,
    optimizer: RECIPE_OPTIMIZER,
    budgets: b,
    peak_mul_add_gflops: peaks,
    kernel_shapes: Object.fromEntries(cases.map((c) => [c.name, describeMatmuls(c.matmuls)])) as Record<HotKernel, string>,
    ours,
    torch,
    ratios: recipeRatios(ours, torch),
    check: { words: checkWords.length, targets: oursLosses.targets, ours: oursLosses.losses, torch: torchLosses, max_abs_diff: diff, agree: diff === null ? null : diff <= LOSS_TOLERANCE },
    peak_rss_mb: torchRss === undefined ? { node: peakRssMb() } : { node: peakRssMb(), torch: torchRss },
  };
}

/** Ours on `threads` threads of the `simd` build: training rate, the step by op, the product kernels against the build's ceiling. */
async function recipeOurs(fx: Fixture, threads: number, simd: SimdVariant, cases: KernelCase[], peak: number, b: RecipeBudgets, log: (line: string) => void): Promise<RecipeOurs> {
  const ops = await createWasmOps({ threads, simd, spawn: nodeWorkers });
  try {
    log(`wavenet recipe: ours, wasm ${simd} SIMD, ${threads} thread(s): training`);
    const rate = await trainRate(convUnderTest(freshParams(fx.spec), fx.spec, ops, fx.train), b.train, RECIPE_BATCH, RECIPE_OPTIMIZER);
    log(`wavenet recipe: ours, wasm ${simd} SIMD, ${threads} thread(s): per-op step profile, kernels`);
    const ms = new Map<string, number>();
    const profile = stepProfile(convUnderTest(freshParams(fx.spec), fx.spec, timeOps(ops, ms), fx.train), ms, b.profileSteps, RECIPE_BATCH, RECIPE_OPTIMIZER);
    const gflops = await kernelGflops(ops, cases, b.kernel);
    return {
      threads,
      simd,
      steps_per_s: rate.iterations / rate.seconds,
      targets_per_s: rate.perSecond,
      step_ms_by_op: profile,
      kernel_gflops: gflops,
      kernel_fraction_of_peak: Object.fromEntries(HOT_KERNELS.map((k) => [k, gflops[k] / (threads * peak)])) as Record<HotKernel, number>,
    };
  } finally {
    ops.destroy();
  }
}

/** ours / PyTorch in targets/s: at one thread each, and each side's best thread count (ours: its faster SIMD build at each). */
export function recipeRatios(ours: RecipeOurs[], torch: RecipeTorch): WavenetRecipeReport['ratios'] {
  if (!torch.available || torch.ratio_refused !== null || torch.runs.length === 0 || ours.length === 0) return { one_thread: null, best: null };
  const best = (rates: number[]) => Math.max(...rates);
  const ours1 = ours.filter((o) => o.threads === 1);
  const torch1 = torch.runs.find((r) => r.threads === 1);
  return {
    one_thread: ours1.length > 0 && torch1 ? best(ours1.map((o) => o.targets_per_s)) / torch1.targets_per_s : null,
    best: best(ours.map((o) => o.targets_per_s)) / best(torch.runs.map((r) => r.targets_per_s)),
  };
}

/** The words of the engine's first step from PythonRandom(SEED): what sampleWords draws. */
function checkBatchWords(fx: Fixture): number[][] {
  const rng = new PythonRandom(SEED);
  return Array.from({ length: RECIPE_BATCH }, () => fx.train[rng.randbelow(fx.train.length)]);
}

/** The recipe without dropout, on the wasm backend (one thread): the first step's loss, then the same batch's after one AdamW step. */
async function ourCheckLosses(fx: Fixture): Promise<{ losses: RecipeLosses; targets: number }> {
  const spec = resolveSpec(presetSpec(RECIPE_MODEL.preset, { ...RECIPE_MODEL.values, dropout: 0 }, fx.vocab.size));
  const ops = await createWasmOps({ threads: 1 });
  try {
    const params = freshParams(fx.spec); // the recipe's initial weights: dropout has no tensor
    const engine = convEngine(params, spec, ops, fx.train);
    const grads = engine.newGrads();
    const first = engine.step(new PythonRandom(SEED), RECIPE_BATCH, grads);
    new Optimizer(RECIPE_OPTIMIZER, ops).step(params, grads, RECIPE_OPTIMIZER.lr, 0);
    zeroGrads(grads);
    const after = engine.step(new PythonRandom(SEED), RECIPE_BATCH, grads);
    return { losses: { first_step: first.loss, after_one_step: after.loss }, targets: first.targets };
  } finally {
    ops.destroy();
  }
}

interface TorchRecipeResult {
  version: string;
  blas: { info: string; libraries: string[]; kind: string };
  check: { targets: number; loss_first_step: number; loss_after_one_step: number };
  train: { threads: number; steps_per_s: number; targets_per_s: number; steps: number; seconds: number }[];
  peak_rss_mb: number;
}

function torchRun(python: string, checkpoint: string, fx: Fixture, checkWords: number[][], threads: number[], budget: Budget): { ok: true; result: TorchRecipeResult } | { ok: false; reason: string } {
  const input = JSON.stringify({
    mode: 'throughput',
    checkpoint,
    dropout: RECIPE_MODEL.values.dropout,
    words: fx.train,
    check_words: checkWords,
    batch: RECIPE_BATCH,
    lr: RECIPE_OPTIMIZER.lr,
    weight_decay: RECIPE_OPTIMIZER.weightDecay,
    threads,
    warmup_s: budget.warmupS,
    measure_s: budget.measureS,
    seed: SEED,
  });
  // generous: torch's import and the data's padding take seconds on a busy machine
  const timeout = (threads.length * 3 * (budget.warmupS + budget.measureS) + 180) * 1000;
  const run = runPythonScript<TorchRecipeResult>(python, TORCH_WAVENET_SCRIPT, input, timeout);
  return run.ok ? { ok: true, result: run.answer } : run;
}

/** The section's budgets from the bench's profile (quick, full, the test's tiny one). */
export function recipeBudgets(b: { train: Budget; profileSteps: number; kernel: Budget }): RecipeBudgets {
  return { train: b.train, profileSteps: b.profileSteps, kernel: b.kernel, peak: b.kernel };
}
