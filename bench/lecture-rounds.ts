// The lecture model's training, ours against PyTorch's nn.Conv1d model, side by side in rounds (part
// of the full run): ours on the wasm backend (the build `--simd auto` runs) and PyTorch
// (torch_models.py, mode serve_conv: one process for the section, python-server.ts) at each thread
// count and at 32 and 64 words a step, PyTorch right after ours each time. Each rate and ratio is the
// median of the rounds': measured seconds apart, both sides see the same machine, where the rest of
// the run's PyTorch numbers come minutes after ours. SGD at the lecture's first learning rate.

import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createWasmOps, preferredSimd, type SimdVariant } from '../src/engine/wasm-ops.ts';
import { nodeWorkers } from '../src/engine/node-workers.ts';
import type { ModelConfig } from '../src/params.ts';
import { median, type Budget } from './measure.ts';
import { BATCH, freshParams, LARGE_BATCH, LR, SEED, type Fixture } from './setup.ts';
import { convUnderTest, trainRate } from './training.ts';
import { findTorchPython, PYTHON_CANDIDATES, refusal, type TorchBlas } from './torch.ts';
import { PythonServer, rateTimeoutMs } from './python-server.ts';

const SCRIPT = fileURLToPath(new URL('./torch_models.py', import.meta.url));

export interface LectureRoundsBudgets {
  /** Each side's rate at each thread count and batch size, in each round. */
  train: Budget;
  rounds: number;
}

/** One configuration's training rate: the median of the rounds', and each round's. */
export interface LectureRate {
  threads: number;
  /** Words a step. */
  batch: number;
  targets_per_s: number;
  targets_per_s_by_round: number[];
}

/** ours / PyTorch in targets/s at the same threads and batch: the median of the rounds' ratios, and each round's. */
export interface LectureRatio {
  threads: number;
  batch: number;
  ratio: number;
  ratios_by_round: number[];
}

export type LectureTorch =
  | { available: true; python: string; version: string; blas: TorchBlas; ratio_refused: string | null; runs: LectureRate[]; peak_rss_mb: number }
  | { available: false; reason: string };

export interface LectureRoundsReport {
  simd: SimdVariant;
  budgets: LectureRoundsBudgets;
  ours: LectureRate[];
  torch: LectureTorch;
  /** Empty without torch, or when its BLAS is the reference one. */
  ratios: LectureRatio[];
}

export interface LectureRoundsOptions {
  fx: Fixture;
  lecture: ModelConfig;
  budgets: LectureRoundsBudgets;
  torch: boolean;
  /** Thread counts of both sides (default: 1 and this machine's cores). */
  threads?: number[];
  /** Pythons to try for torch (the test points at a missing one). */
  pythons?: readonly string[];
  log?: (line: string) => void;
}

const BATCHES = [BATCH, LARGE_BATCH];

/** The section's budgets from the bench's profile (quick, full, the test's tiny one). */
export function lectureRoundsBudgets(b: { roundTrain: Budget; rounds: number }): LectureRoundsBudgets {
  return { train: b.roundTrain, rounds: b.rounds };
}

export async function runLectureRounds(opts: LectureRoundsOptions): Promise<LectureRoundsReport> {
  const { fx, budgets: b } = opts;
  const log = opts.log ?? (() => {});
  const cores = os.cpus().length;
  const threads = opts.threads ?? (cores > 1 ? [1, cores] : [1]);
  const configs = threads.flatMap((t) => BATCHES.map((batch) => ({ threads: t, batch })));
  const simd = preferredSimd();
  const found = opts.torch ? findTorchPython(opts.pythons ?? PYTHON_CANDIDATES) : ({ ok: false, reason: 'skipped (--no-torch)' } as const);
  const python = found.ok ? found.python : null;
  const server = python ? PythonServer.start(python, SCRIPT, torchRequest(opts)) : null;
  const hello = server ? await server.ask<{ version: string; blas: TorchBlas }>(null, rateTimeoutMs(b.train) + 120_000) : null;
  let torchFailed = !found.ok ? found.reason : hello && !hello.ok ? hello.reason : null;
  const ours: number[][] = configs.map(() => []);
  const torch: number[][] = configs.map(() => []);
  const opsByThreads = await Promise.all(threads.map((t) => createWasmOps({ threads: t, simd, spawn: nodeWorkers })));
  try {
    for (let round = 1; round <= b.rounds; round++) {
      for (const [i, c] of configs.entries()) {
        const what = `${c.threads} thread(s), ${c.batch} words a step`;
        log(`lecture rounds, round ${round} of ${b.rounds}: ours, wasm ${simd} SIMD, ${what}`);
        const ops = opsByThreads[threads.indexOf(c.threads)];
        ours[i].push((await trainRate(convUnderTest(freshParams(fx.spec), fx.spec, ops, fx.train), b.train, c.batch)).perSecond);
        if (!server || torchFailed) continue;
        log(`lecture rounds, round ${round} of ${b.rounds}: PyTorch nn.Conv1d, ${what}`);
        const rate = await server.ask<{ targets_per_s: number }>({ ...c, warmup_s: b.train.warmupS, measure_s: b.train.measureS }, rateTimeoutMs(b.train));
        if (rate.ok) torch[i].push(rate.answer.targets_per_s);
        else torchFailed = rate.reason;
      }
    }
  } catch (e) {
    server?.stop();
    throw e;
  } finally {
    for (const ops of opsByThreads) ops.destroy();
  }
  const end = server && !torchFailed ? await server.finish<{ peak_rss_mb: number }>(rateTimeoutMs(b.train)) : null;
  server?.stop();
  if (end && !end.ok) torchFailed = end.reason;
  const rate = (c: (typeof configs)[number], byRound: number[]): LectureRate => ({ ...c, targets_per_s: median(byRound), targets_per_s_by_round: byRound });
  const oursRates = configs.map((c, i) => rate(c, ours[i]));
  if (!python || torchFailed || !hello?.ok || !end?.ok) return { simd, budgets: b, ours: oursRates, torch: { available: false, reason: torchFailed ?? 'no round ran' }, ratios: [] };
  const { version, blas } = hello.answer;
  const refused = refusal(blas);
  const ratios = refused ? [] : configs.map((c, i) => lectureRatio(c, ours[i], torch[i]));
  const torchReport: LectureTorch = { available: true, python, version, blas, ratio_refused: refused, runs: configs.map((c, i) => rate(c, torch[i])), peak_rss_mb: end.answer.peak_rss_mb };
  return { simd, budgets: b, ours: oursRates, torch: torchReport, ratios };
}

/** Each round's ours / PyTorch, and their median. */
export function lectureRatio(c: { threads: number; batch: number }, ours: number[], torch: number[]): LectureRatio {
  const byRound = ours.map((x, round) => x / torch[round]);
  return { threads: c.threads, batch: c.batch, ratio: median(byRound), ratios_by_round: byRound };
}

function torchRequest({ fx, lecture }: LectureRoundsOptions): object {
  return { mode: 'serve_conv', seed: SEED, vocab_size: lecture.vocabSize, n_embd: lecture.nEmbd, n_hidden: lecture.nHidden, n_layers: lecture.nLayers, words: fx.train, lr: LR };
}

