// The PyTorch side of the bench: find a Python that imports torch, hand bench/torch_models.py the same
// words and sizes our engines train on, and read back its one JSON line. Without torch the bench
// still runs, and says why torch was left out.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ModelConfig } from '../src/params.ts';
import type { Budget } from './measure.ts';
import type { HotKernel, Matmul } from './kernels.ts';
import type { TorchSamplingRequest } from './generation.ts';
import { BATCH, LARGE_BATCH, LR, SEED } from './setup.ts';

/** Debian's python3-torch installs for /usr/bin/python3, which a pyenv or venv python3 may shadow. */
export const PYTHON_CANDIDATES = ['python3', '/usr/bin/python3'];
/** A fixed conv-layer-sized matmul ((P × 2·128) · (2·128 × 128)), comparable across runs whatever P a batch has. */
export const REFERENCE_MATMUL: Matmul = [736, 256, 128];

const SCRIPT = fileURLToPath(new URL('./torch_models.py', import.meta.url));

export interface TorchTrainRate {
  threads: number;
  conv: number;
  /** nn.Conv1d at LARGE_BATCH words a step. */
  conv_large: number;
  tree: number;
}

/** names/s of the lecture's sampling loop from our weights, one name at a time and batched. */
export interface TorchSamplingRate {
  threads: number;
  loop: number;
  batched: number;
  /** Mean characters per name, the final '.' not counted. */
  mean_chars: number;
}

export interface TorchResult {
  python: string;
  version: string;
  /** One entry per requested thread count, in request order. */
  train_targets_per_s: TorchTrainRate[];
  generation_names_per_s: TorchSamplingRate[];
  matmul_gflops: number;
  kernel_gflops: Record<HotKernel, number>;
  peak_rss_mb: number;
}

export type TorchOutcome = { ok: true; result: TorchResult } | { ok: false; reason: string };

export interface TorchRequest {
  cfg: ModelConfig;
  words: number[][];
  /** Training and sampling are timed at each; the first also runs the matmuls. */
  threads: number[];
  train: Budget;
  generation: TorchSamplingRequest;
  kernelS: number;
  kernelMatmuls: Record<HotKernel, Matmul[]>;
}

export function runTorch(req: TorchRequest): TorchOutcome {
  const found = findTorchPython();
  if (!found.ok) return found;
  const input = JSON.stringify({
    threads: req.threads,
    seed: SEED,
    vocab_size: req.cfg.vocabSize,
    n_embd: req.cfg.nEmbd,
    n_hidden: req.cfg.nHidden,
    n_layers: req.cfg.nLayers,
    words: req.words,
    batch: BATCH,
    large_batch: LARGE_BATCH,
    lr: LR,
    warmup_s: req.train.warmupS,
    measure_s: req.train.measureS,
    kernel_s: req.kernelS,
    matmul: REFERENCE_MATMUL,
    kernel_matmuls: req.kernelMatmuls,
    generation: req.generation,
  });
  // generous: torch's import and data setup take seconds on a busy machine
  const sampling = 2 * (req.generation.warmup_s + req.generation.measure_s);
  const budgetMs = (req.threads.length * (3 * (req.train.warmupS + req.train.measureS) + 2 * sampling) + 6 * req.kernelS + 120) * 1000;
  const answer = runPythonScript<Omit<TorchResult, 'python'>>(found.python, SCRIPT, input, budgetMs);
  return answer.ok ? { ok: true, result: { python: found.python, ...answer.answer } } : answer;
}

/** The BLAS a PyTorch process was built for and the libraries it has loaded (torch_models.py `blas()`). */
export interface TorchBlas {
  info: string;
  libraries: string[];
  kind: string;
}

/** Why no ratio against PyTorch on this BLAS is reported, or null: the reference BLAS (netlib's triple loops) is many times slower than any tuned one, and a ratio against it would flatter us. */
export function refusal(blas: TorchBlas): string | null {
  return blas.kind === 'reference' ? `PyTorch runs on the reference BLAS (${blas.libraries.join(', ')}), not a tuned one (OpenBLAS, MKL, BLIS): a ratio against it would flatter us` : null;
}

/** A script's answer: the JSON of its last stdout line, or why it failed. */
export type PythonAnswer<T> = { ok: true; answer: T } | { ok: false; reason: string };

/** `script` run by `python` with `input` (JSON) on stdin. */
export function runPythonScript<T>(python: string, script: string, input: string, timeoutMs: number): PythonAnswer<T> {
  const run = spawnSync(python, [script], { input, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 24 });
  if (run.error || run.status !== 0) return { ok: false, reason: `${script} failed: ${failure(run)}` };
  return { ok: true, answer: JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as T };
}

/** The first candidate that imports torch, or why none did. */
export function findTorchPython(candidates: readonly string[] = PYTHON_CANDIDATES): { ok: true; python: string } | { ok: false; reason: string } {
  const reasons: string[] = [];
  for (const python of candidates) {
    const run = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8', timeout: 60_000 });
    if (!run.error && run.status === 0) return { ok: true, python };
    reasons.push(`${python}: ${failure(run)}`);
  }
  return { ok: false, reason: reasons.join('; ') };
}

function failure(run: ReturnType<typeof spawnSync>): string {
  if (run.error) return run.error.message;
  const stderr = String(run.stderr ?? '').trim();
  return stderr.split('\n').pop() || `exit status ${run.status}`;
}
