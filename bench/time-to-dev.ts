// npm run bench -- --time-to-dev 2.00 [--wavenet-recipe]: wall time for our conv engine and for its
// PyTorch counterpart to reach a dev loss, trained with one recipe — the same initial weights, AdamW,
// 64 whole words a step, the same learning rate and step decay, the lecture's split, the whole dev
// set evaluated every `evalEvery` steps (evaluations are timed). Two models race:
//  - the lecture preset: ours on the backend `auto` picks; PyTorch's nn.Conv1d model over padded
//    words (torch_time_to_dev.py), as torch/conv;
//  - the WaveNet recipe (wavenet-recipe.ts): ours on the wasm backend (its relaxed-SIMD build where
//    this engine takes it); PyTorch's PackedWaveNet from our checkpoint, words packed as ours
//    (torch_wavenet.py), as torch/wavenet.

import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { describeBackend, selectBackend } from '../src/backend.ts';
import { openOps, type OpenOps } from '../src/engine/open-ops.ts';
import { createWasmOps } from '../src/engine/wasm-ops.ts';
import { nodeWorkers } from '../src/engine/node-workers.ts';
import { convEngine } from '../src/train/engines.ts';
import { Optimizer, type OptimizerConfig } from '../src/train/optimizer.ts';
import { newTrainState, train } from '../src/train/trainer.ts';
import { PythonRandom } from '../src/rng.ts';
import type { ResolvedSpec } from '../src/spec/resolve.ts';
import { findTorchPython, PYTHON_CANDIDATES, runPythonScript, type PythonAnswer } from './torch.ts';
import { freshParams, LARGE_BATCH, lectureFixture, loadFixture, SEED, withInitialCheckpoint, type Fixture } from './setup.ts';
import { RECIPE_BATCH, RECIPE_MODEL, RECIPE_OPTIMIZER, TORCH_WAVENET_SCRIPT } from './wavenet-recipe.ts';

/** The step cap (`npm start`'s 8,000: the learning rate drops at its decayAt) and the evaluation interval. */
export const TIME_TO_DEV_SCHEDULE: TimeToDevSchedule = { steps: 8000, evalEvery: 250 };
/** PyTorch's whole run, its import and data set-up included. */
const TORCH_TIMEOUT_MS = 3_600_000;

export type TimeToDevModel = 'lecture' | 'wavenet-recipe';

export interface TimeToDevSchedule {
  steps: number;
  evalEvery: number;
}

export interface TimeToDevRecipe extends TimeToDevSchedule {
  /** Words a step. */
  batch: number;
  optimizer: OptimizerConfig;
}

export interface TimeToDevOptions {
  model: TimeToDevModel;
  /** Our threads (default: the machine's cores). */
  threads?: number;
  /** PyTorch's threads (default: ours): `--threads 2 --torch-threads 1` races each side's best here. */
  torchThreads?: number;
  /** false: PyTorch left out, reported as skipped. */
  torch?: boolean;
  /** The step cap and evaluation interval (default TIME_TO_DEV_SCHEDULE; the test's are a few steps). */
  schedule?: TimeToDevSchedule;
  /** Pythons to try for torch (the test points at a missing one). */
  pythons?: readonly string[];
  log?: (line: string) => void;
}

export interface TimeToDevRun {
  seconds: number;
  steps: number;
  dev_loss: number;
  reached: boolean;
}

export interface TimeToDevReport {
  /** The model raced, as the bench names it (`lecture`, `wavenet channels 96, …`). */
  model: string;
  target: number;
  recipe: TimeToDevRecipe;
  threads: number;
  torch_threads: number;
  ours: TimeToDevRun & { backend: string };
  /** PyTorch's model: torch/conv (nn.Conv1d over padded words) or torch/wavenet (packed words, as ours). */
  torch_model: string;
  torch: (TimeToDevRun & { version: string }) | { unavailable: string };
  /** our seconds over PyTorch's, when both reached the target */
  ratio: number | null;
}

/** One model's race: its data and weights, its batch, our ops and PyTorch's run (both races train with `--optimizer adamw`'s defaults, RECIPE_OPTIMIZER: `npm start`'s too). */
interface Race {
  fx: Fixture;
  batch: number;
  torchModel: string;
  /** Our ops on `threads` threads, and how the report names them. */
  open(threads: number): Promise<{ ops: OpenOps; backend: string }>;
  /** PyTorch's run by `python`, given what both scripts read (torchRequest). */
  torch(python: string, request: Record<string, unknown>): PythonAnswer<TimeToDevRun & { version: string }>;
}

const RACES: Record<TimeToDevModel, () => Race> = { lecture: lectureRace, 'wavenet-recipe': wavenetRace };

export async function timeToDev(target: number, opts: TimeToDevOptions): Promise<TimeToDevReport> {
  const log = opts.log ?? (() => {});
  const threads = opts.threads ?? os.cpus().length;
  const torchThreads = opts.torchThreads ?? threads;
  const race = RACES[opts.model]();
  const recipe: TimeToDevRecipe = { ...(opts.schedule ?? TIME_TO_DEV_SCHEDULE), batch: race.batch, optimizer: RECIPE_OPTIMIZER };
  log(`ours: training ${race.fx.model} to dev ${target}`);
  const ours = await oursToDev(race, recipe, target, threads);
  log(`ours: ${ours.reached ? 'reached' : 'did not reach'} ${ours.dev_loss.toFixed(4)} at step ${ours.steps} in ${ours.seconds.toFixed(1)} s; torch: training`);
  const torch = opts.torch === false ? { unavailable: 'skipped (--no-torch)' } : torchToDev(race, recipe, target, torchThreads, opts.pythons ?? PYTHON_CANDIDATES);
  const ratio = 'seconds' in torch && torch.reached && ours.reached ? ours.seconds / torch.seconds : null;
  return { model: race.fx.model, target, recipe, threads, torch_threads: torchThreads, ours, torch_model: race.torchModel, torch, ratio };
}

/** Our trainer (as `makemore train`) from freshParams until an evaluation reaches the target. */
async function oursToDev(race: Race, recipe: TimeToDevRecipe, target: number, threads: number): Promise<TimeToDevReport['ours']> {
  const { fx } = race;
  const { ops, backend } = await race.open(threads);
  const params = freshParams(fx.spec);
  const rng = new PythonRandom(SEED);
  const optimizer = new Optimizer(recipe.optimizer, ops);
  let reached: { seconds: number; step: number; loss: number } | null = null;
  const t0 = performance.now();
  try {
    const state = await train(convEngine(params, fx.spec, ops, fx.train), params, optimizer, rng, fx.val, { steps: recipe.steps, batchSize: recipe.batch, optimizer: recipe.optimizer, evalEvery: recipe.evalEvery }, newTrainState(), {
      onEval: (point) => {
        if (point.loss <= target && !reached) reached = { seconds: (performance.now() - t0) / 1000, step: point.step, loss: point.loss };
      },
      shouldStop: () => reached !== null,
    });
    const last = state.evals[state.evals.length - 1];
    const end = reached ?? { seconds: (performance.now() - t0) / 1000, step: state.step, loss: last.loss };
    return { seconds: end.seconds, steps: end.step, dev_loss: end.loss, reached: reached !== null, backend };
  } finally {
    ops.destroy();
  }
}

function torchToDev(race: Race, recipe: TimeToDevRecipe, target: number, threads: number, pythons: readonly string[]): TimeToDevReport['torch'] {
  const found = findTorchPython(pythons);
  if (!found.ok) return { unavailable: found.reason };
  const run = race.torch(found.python, torchRequest(race.fx, recipe, target, threads));
  return run.ok ? run.answer : { unavailable: run.reason };
}

/** What both PyTorch scripts read: the seed, threads, the split, the recipe and the target. */
function torchRequest(fx: Fixture, recipe: TimeToDevRecipe, target: number, threads: number): Record<string, unknown> {
  return {
    seed: SEED,
    threads,
    train: fx.train,
    dev: fx.val,
    steps: recipe.steps,
    batch: recipe.batch,
    lr: recipe.optimizer.lr,
    decay_at: recipe.optimizer.decayAt,
    weight_decay: recipe.optimizer.weightDecay,
    eval_every: recipe.evalEvery,
    target,
  };
}

function lectureRace(): Race {
  const fx = lectureFixture();
  const script = fileURLToPath(new URL('./torch_time_to_dev.py', import.meta.url));
  return {
    fx,
    batch: LARGE_BATCH,
    torchModel: 'torch/conv',
    async open(threads) {
      const choice = selectBackend();
      return { ops: await openOps(choice, { threads, spawn: nodeWorkers }), backend: describeBackend(choice) };
    },
    torch: (python, request) => {
      const { vocabSize, nEmbd, nHidden, nLayers } = fx.lecture;
      const input = { ...request, vocab_size: vocabSize, n_embd: nEmbd, n_hidden: nHidden, n_layers: nLayers, params: nestedParams(fx.spec) };
      return runPythonScript(python, script, JSON.stringify(input), TORCH_TIMEOUT_MS);
    },
  };
}

function wavenetRace(): Race {
  const fx = loadFixture(RECIPE_MODEL);
  return {
    fx,
    batch: RECIPE_BATCH,
    torchModel: 'torch/wavenet',
    async open(threads) {
      const ops = await createWasmOps({ threads, spawn: nodeWorkers });
      return { ops, backend: `wasm, ${ops.simd} SIMD` };
    },
    // the model from our checkpoint file: the spec and the initial weights
    torch: (python, request) =>
      withInitialCheckpoint(fx, (checkpoint) => runPythonScript(python, TORCH_WAVENET_SCRIPT, JSON.stringify({ ...request, mode: 'time_to_dev', checkpoint, dropout: RECIPE_MODEL.values.dropout }), TORCH_TIMEOUT_MS)),
  };
}

/** freshParams as nested lists by name (the lecture's script builds its nn.Conv1d model from them). */
function nestedParams(spec: ResolvedSpec): Record<string, unknown> {
  return Object.fromEntries([...freshParams(spec).tensors].map(([name, t]) => [name, reshape(t.data, t.shape)]));
}

function reshape(data: Float32Array, shape: number[]): unknown {
  if (shape.length <= 1) return Array.from(data);
  const inner = shape.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0] }, (_, i) => reshape(data.subarray(i * inner, (i + 1) * inner), shape.slice(1)));
}

export function formatTimeToDev(r: TimeToDevReport): string {
  const threads = (n: number) => `${n} thread${n === 1 ? '' : 's'}`;
  const run = (name: string, x: TimeToDevRun) => `  ${name}: ${x.reached ? 'reached' : 'did NOT reach'} dev ${x.dev_loss.toFixed(4)} at step ${x.steps} in ${x.seconds.toFixed(1)} s`;
  const torch = 'unavailable' in r.torch ? `  ${r.torch_model}: unavailable (${r.torch.unavailable})` : run(`${r.torch_model} (torch ${r.torch.version}, ${threads(r.torch_threads)})`, r.torch);
  const o = r.recipe.optimizer;
  const ratio = r.ratio !== null ? `  ours / torch wall time: ${r.ratio.toFixed(3)}×` : `  ratio: — (${'unavailable' in r.torch ? 'PyTorch did not run' : 'a run did not reach the target'})`;
  return [
    `Time to dev loss ${r.target}, ${r.model} (AdamW lr ${o.lr}, weight decay ${o.weightDecay}, lr/10 after ${Math.floor(o.decayAt * r.recipe.steps)} of ${r.recipe.steps} steps, ${r.recipe.batch} words a step, dev evaluated every ${r.recipe.evalEvery} steps, same initial weights)`,
    run(`conv (${r.ours.backend}, ${threads(r.threads)})`, r.ours),
    torch,
    ratio,
  ].join('\n');
}
