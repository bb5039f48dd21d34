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
//    when PyTorch runs on the reference BLAS; both sides' peak RSS. The training rates are measured
//    in rounds, each rate and ratio the median of the rounds': on a shared machine a neighbour's
//    burst then moves one round, not the comparison. Within a round, PyTorch (one process for the
//    whole section, python-server.ts) runs right after ours at each thread count, seconds apart;
//  - a correctness check: dropout off, the same 64 words, both sides' loss before and after one AdamW step.
// The learning rate stays at its first value (the decay at 75% of the steps changes no cost).

import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createWasmOps, relaxedSimdAvailable, type SimdVariant, type WasmOps } from '../src/engine/wasm-ops.ts';
import { nodeWorkers } from '../src/engine/node-workers.ts';
import { presetSpec } from '../src/presets/registry.ts';
import { resolveSpec } from '../src/spec/resolve.ts';
import { PythonRandom } from '../src/rng.ts';
import { convEngine } from '../src/train/engines.ts';
import { DEFAULT_LR, Optimizer, type OptimizerConfig } from '../src/train/optimizer.ts';
import { sampleWords } from '../src/train/batches.ts';
import type { Budget } from './measure.ts';
import { median, peakRssMb } from './measure.ts';
import { describeSelection, freshParams, loadFixture, parameterCount, SEED, withInitialCheckpoint, type Fixture, type ModelSelection } from './setup.ts';
import { convUnderTest, stepProfile, trainRate } from './training.ts';
import { timeOps } from './op-profile.ts';
import { describeMatmuls, kernelCases, kernelGflops, HOT_KERNELS, type HotKernel, type KernelCase } from './kernels.ts';
import { peakMulAddGflops } from './peak.ts';
import { findTorchPython, PYTHON_CANDIDATES, refusal, type TorchBlas } from './torch.ts';
import { PythonServer, rateTimeoutMs } from './python-server.ts';
import { runRecipeCli, type RecipeCli } from './recipe-cli.ts';

/** The recipe's model (230,139 parameters with the names' 27 characters). */
export const RECIPE_MODEL: Extract<ModelSelection, { preset: string }> = { preset: 'wavenet', values: { channels: 96, 'n-embd': 32, norm: 'layernorm', dropout: 0.4 } };
export const RECIPE_BATCH = 64;
/** The same recipe as `makemore train`'s options. */
export const RECIPE_CLI_ARGS = ['--model', RECIPE_MODEL.preset, ...Object.entries(RECIPE_MODEL.values).flatMap(([k, v]) => [`--${k}`, String(v)]), '--optimizer', 'adamw', '--batch', String(RECIPE_BATCH)];
/** `--optimizer adamw` with the CLI's defaults (train-settings.ts): lr 0.003, weight decay 0.01, decay at 75%. */
export const RECIPE_OPTIMIZER: OptimizerConfig = { name: 'adamw', lr: DEFAULT_LR.adamw, decayAt: 0.75, weightDecay: 0.01 };
/** |ours − PyTorch| of the check's losses at most this: the same float32 sums in another order. */
export const LOSS_TOLERANCE = 1e-5;

/** PyTorch's side: the recipe's model from our checkpoint, trained as ours (its request's `mode`: serve here, time_to_dev in time-to-dev.ts). */
export const TORCH_WAVENET_SCRIPT = fileURLToPath(new URL('./torch_wavenet.py', import.meta.url));

export interface RecipeBudgets {
  /** Each side's training rate at each thread count, in each round. */
  train: Budget;
  /** Rounds of the training rates: every configuration of both sides once a round. */
  rounds: number;
  /** Each `makemore train <recipe> --minutes` process's time budget (recipe-cli.ts). */
  cliS: number;
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

/** A training rate: the median of the rounds', and each round's targets/s. */
export interface RecipeRate {
  threads: number;
  steps_per_s: number;
  targets_per_s: number;
  targets_per_s_by_round: number[];
}

export interface RecipeOurs extends RecipeRate {
  simd: SimdVariant;
  /** op → ms per step, with `other` and the whole `step`. */
  step_ms_by_op: Record<string, number>;
  kernel_gflops: Record<HotKernel, number>;
  /** kernel_gflops over threads × the one-thread multiply-add ceiling. */
  kernel_fraction_of_peak: Record<HotKernel, number>;
}

export type RecipeTorchRun = RecipeRate;

export interface RecipeLosses {
  first_step: number;
  after_one_step: number;
}

export type RecipeTorch =
  | { available: true; python: string; version: string; blas: TorchBlas; ratio_refused: string | null; runs: RecipeTorchRun[] }
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
  /** ours / PyTorch in targets/s: one thread each, and each on its best thread count; the median of the rounds'; null without torch or when refused. */
  ratios: RecipeRatios;
  ratios_by_round: RecipeRatios[];
  /** Dropout off, one batch of the recipe's size, the same initial weights: the loss before and after one AdamW step. */
  check: { words: number; targets: number; ours: RecipeLosses; torch: RecipeLosses | null; max_abs_diff: number | null; agree: boolean | null };
  /** node: the whole bench process; torch: its training process, the one that served every round. */
  peak_rss_mb: { node: number; torch?: number };
  /** The path a user runs: our CLI's steps in its --minutes, each process's peak RSS; PyTorch's median rate over the same time. */
  cli: RecipeCli & { torch_steps: { threads: number; steps: number }[] | null; ratios: RecipeRatios };
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

  const configs = threads.flatMap((t) => builds.map((simd) => ({ threads: t, simd })));
  // one set of ops per configuration for every round: a round's rate starts from fresh weights, not fresh memory
  const opsByConfig = await Promise.all(configs.map((c) => createWasmOps({ threads: c.threads, simd: c.simd, spawn: nodeWorkers })));
  try {
    return await measureRecipe();
  } finally {
    for (const ops of opsByConfig) ops.destroy();
  }

  async function measureRecipe(): Promise<WavenetRecipeReport> {
    const oursRounds: RateSample[][] = configs.map(() => []);
    log('wavenet recipe: our first-step loss, dropout off');
    const checkWords = checkBatchWords(fx);
    const oursLosses = await ourCheckLosses(fx);
    const found = opts.torch ? findTorchPython(opts.pythons ?? PYTHON_CANDIDATES) : ({ ok: false, reason: 'skipped (--no-torch)' } as const);
    const started = found.ok ? await startTorch(found.python, fx, checkWords, b.train) : found;
    let torchFailed = started.ok ? null : started.reason;
    const torchRounds: TorchRate[][] = [];
    try {
      for (let round = 1; round <= b.rounds; round++) {
        const torchRound: TorchRate[] = [];
        for (const [k, t] of threads.entries()) {
          // PyTorch right after ours at each thread count; the builds' order alternates, so that the
          // faster build stands next to PyTorch at one thread and at two
          const builds = configs.flatMap((c, i) => (c.threads === t ? [i] : []));
          for (const i of k % 2 ? builds.reverse() : builds) {
            const c = configs[i];
            log(`wavenet recipe, round ${round} of ${b.rounds}: ours, wasm ${c.simd} SIMD, ${t} thread(s)`);
            const rate = await trainRate(convUnderTest(freshParams(fx.spec), fx.spec, opsByConfig[i], fx.train), b.train, RECIPE_BATCH, RECIPE_OPTIMIZER);
            oursRounds[i].push({ steps_per_s: rate.iterations / rate.seconds, targets_per_s: rate.perSecond });
          }
          if (!started.ok || torchFailed) continue;
          log(`wavenet recipe, round ${round} of ${b.rounds}: PyTorch, ${t} thread(s)`);
          const rate = await started.server.ask<TorchRate>({ threads: t, warmup_s: b.train.warmupS, measure_s: b.train.measureS }, rateTimeoutMs(b.train));
          if (rate.ok) torchRound.push(rate.answer);
          else torchFailed = rate.reason;
        }
        if (torchRound.length === threads.length) torchRounds.push(torchRound);
      }
    } catch (e) {
      if (started.ok) started.server.stop();
      throw e;
    }
    const torchEnd = started.ok && !torchFailed ? await started.server.finish<{ peak_rss_mb: number }>(rateTimeoutMs(b.train)) : null;
    if (torchEnd && !torchEnd.ok) torchFailed = torchEnd.reason;
    const ours: RecipeOurs[] = [];
    for (const [i, c] of configs.entries()) ours.push({ ...roundsRate(c.threads, oursRounds[i]), simd: c.simd, ...(await recipeProfile(fx, opsByConfig[i], cases, peaks[c.simd]!, b, log)) });

    let torch: RecipeTorch;
    let torchLosses: RecipeLosses | null = null;
    let torchRss: number | undefined;
    if (!started.ok || torchFailed || !torchEnd?.ok || torchRounds.length === 0) torch = { available: false, reason: torchFailed ?? 'no round ran' };
    else {
      const { version, blas, check } = started.hello;
      const runs = threads.map((t) => roundsRate(t, torchRounds.map((round) => round.find((x) => x.threads === t)!)));
      torch = { available: true, python: started.python, version, blas, ratio_refused: refusal(blas), runs };
      torchLosses = { first_step: check.loss_first_step, after_one_step: check.loss_after_one_step };
      torchRss = torchEnd.answer.peak_rss_mb;
      if (check.targets !== oursLosses.targets) throw new Error(`the check's batch: ${oursLosses.targets} targets here, ${check.targets} in PyTorch`);
    }
    log(`wavenet recipe: makemore train <recipe> --minutes ${b.cliS / 60} at ${threads.join(' and ')} thread(s)`);
    const cliRuns = runRecipeCli(RECIPE_CLI_ARGS, threads, b.cliS);
    const torchSteps = torch.available ? torch.runs.map((r) => ({ threads: r.threads, steps: r.steps_per_s * b.cliS })) : null;
    const byRound = Array.from({ length: torch.available ? torchRounds.length : 0 }, (_, round) =>
      recipeRatios(
        ours.map((o) => ({ threads: o.threads, rate: o.targets_per_s_by_round[round] })),
        comparable(torch, (r) => r.targets_per_s_by_round[round]),
      ),
    );

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
      ratios: byRound.length ? { one_thread: medianOrNull(byRound.map((x) => x.one_thread)), best: medianOrNull(byRound.map((x) => x.best)) } : { one_thread: null, best: null },
      ratios_by_round: byRound,
      check: { words: checkWords.length, targets: oursLosses.targets, ours: oursLosses.losses, torch: torchLosses, max_abs_diff: diff, agree: diff === null ? null : diff <= LOSS_TOLERANCE },
      peak_rss_mb: torchRss === undefined ? { node: peakRssMb() } : { node: peakRssMb(), torch: torchRss },
      cli: {
        ...cliRuns,
        torch_steps: torchSteps,
        ratios: recipeRatios(
          cliRuns.runs.map((r) => ({ threads: r.threads, rate: r.steps })),
          comparable(torch, (r) => r.steps_per_s * b.cliS),
        ),
      },
    };
  }
}

/** One round's training rate of one configuration. */
type RateSample = Pick<RecipeRate, 'steps_per_s' | 'targets_per_s'>;

/** A configuration's rounds: the median steps/s and targets/s, and each round's targets/s. */
function roundsRate(threads: number, rounds: RateSample[]): RecipeRate {
  return { threads, steps_per_s: median(rounds.map((r) => r.steps_per_s)), targets_per_s: median(rounds.map((r) => r.targets_per_s)), targets_per_s_by_round: rounds.map((r) => r.targets_per_s) };
}

function medianOrNull(xs: (number | null)[]): number | null {
  return xs.some((x) => x === null) ? null : median(xs as number[]);
}

/** Ours on `threads` threads of the `simd` build: the step by op, the product kernels against the build's ceiling. */
async function recipeProfile(fx: Fixture, ops: WasmOps, cases: KernelCase[], peak: number, b: RecipeBudgets, log: (line: string) => void): Promise<Pick<RecipeOurs, 'step_ms_by_op' | 'kernel_gflops' | 'kernel_fraction_of_peak'>> {
  log(`wavenet recipe: ours, wasm ${ops.simd} SIMD, ${ops.threads} thread(s): per-op step profile, kernels`);
  const ms = new Map<string, number>();
  const profile = stepProfile(convUnderTest(freshParams(fx.spec), fx.spec, timeOps(ops, ms), fx.train), ms, b.profileSteps, RECIPE_BATCH, RECIPE_OPTIMIZER);
  const gflops = await kernelGflops(ops, cases, b.kernel);
  return {
    step_ms_by_op: profile,
    kernel_gflops: gflops,
    kernel_fraction_of_peak: Object.fromEntries(HOT_KERNELS.map((k) => [k, gflops[k] / (ops.threads * peak)])) as Record<HotKernel, number>,
  };
}

export interface RecipeRatios {
  one_thread: number | null;
  best: number | null;
}

/** ours / PyTorch in targets/s: at one thread each, and each side's best thread count (ours: its faster SIMD build at each). */
export function recipeRatios(ours: ThreadRate[], torch: ThreadRate[] | null): RecipeRatios {
  if (!torch || torch.length === 0 || ours.length === 0) return { one_thread: null, best: null };
  const best = (rates: number[]) => Math.max(...rates);
  const ours1 = ours.filter((o) => o.threads === 1);
  const torch1 = torch.find((r) => r.threads === 1);
  return {
    one_thread: ours1.length > 0 && torch1 ? best(ours1.map((o) => o.rate)) / torch1.rate : null,
    best: best(ours.map((o) => o.rate)) / best(torch.map((r) => r.rate)),
  };
}

/** A side's rate (targets/s, or steps in the same time) at a thread count. */
export interface ThreadRate {
  threads: number;
  rate: number;
}

/** PyTorch's rates when a ratio against them means something: it ran, on a tuned BLAS. */
export function comparable(torch: RecipeTorch, rate: (run: RecipeTorchRun) => number): ThreadRate[] | null {
  return torch.available && torch.ratio_refused === null ? torch.runs.map((r) => ({ threads: r.threads, rate: rate(r) })) : null;
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
    engine.clearGrads(grads);
    const after = engine.step(new PythonRandom(SEED), RECIPE_BATCH, grads);
    return { losses: { first_step: first.loss, after_one_step: after.loss }, targets: first.targets };
  } finally {
    ops.destroy();
  }
}

/** PyTorch's first line: what it runs on, and the check's losses. */
interface TorchHello {
  version: string;
  blas: TorchBlas;
  check: { targets: number; loss_first_step: number; loss_after_one_step: number };
}

/** PyTorch's training rate at a thread count, from the initial weights. */
type TorchRate = RateSample & { threads: number };

type TorchStart = { ok: true; python: string; server: PythonServer; hello: TorchHello } | { ok: false; reason: string };

/** PyTorch's side, running: the recipe's model from our initial weights, the check done; it then answers rate requests. */
async function startTorch(python: string, fx: Fixture, checkWords: number[][], budget: Budget): Promise<TorchStart> {
  return withInitialCheckpoint(fx, async (checkpoint) => {
    const request = {
      mode: 'serve',
      checkpoint,
      dropout: RECIPE_MODEL.values.dropout,
      words: fx.train,
      check_words: checkWords,
      batch: RECIPE_BATCH,
      lr: RECIPE_OPTIMIZER.lr,
      weight_decay: RECIPE_OPTIMIZER.weightDecay,
      seed: SEED,
    };
    const server = PythonServer.start(python, TORCH_WAVENET_SCRIPT, request);
    // torch's import and the check take seconds on a busy machine
    const hello = await server.ask<TorchHello>(null, rateTimeoutMs(budget) + 120_000);
    return hello.ok ? { ok: true, python, server, hello: hello.answer } : hello;
  });
}


/** The section's budgets from the bench's profile (quick, full, the test's tiny one). */
export function recipeBudgets(b: { roundTrain: Budget; rounds: number; recipeCliS: number; profileSteps: number; kernel: Budget }): RecipeBudgets {
  return { train: b.roundTrain, rounds: b.rounds, cliS: b.recipeCliS, profileSteps: b.profileSteps, kernel: b.kernel, peak: b.kernel };
}
