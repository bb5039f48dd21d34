// npm run bench -- --time-to-dev 2.00: wall time for our conv engine (the backend `auto` picks, on
// every core) and for PyTorch's nn.Conv1d counterpart to reach a dev loss, trained with one recipe
// — the same initial weights, AdamW, 64 whole words a step, the same learning rate and step decay,
// the lecture's split, the whole dev set evaluated every EVAL_EVERY steps (evaluations are timed).

import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { describeBackend, selectBackend } from '../src/backend.ts';
import { openOps } from '../src/engine/open-ops.ts';
import { nodeWorkers } from '../src/engine/node-workers.ts';
import { convEngine } from '../src/train/engines.ts';
import { Optimizer, type OptimizerConfig } from '../src/train/optimizer.ts';
import { newTrainState, train } from '../src/train/trainer.ts';
import { PythonRandom } from '../src/rng.ts';
import { findTorchPython, runPythonScript } from './torch.ts';
import { freshParams, LARGE_BATCH, lectureFixture, SEED, type Fixture } from './setup.ts';
import type { ModelConfig } from '../src/params.ts';

const RECIPE = { steps: 8000, batch: LARGE_BATCH, evalEvery: 250, optimizer: { name: 'adamw', lr: 0.003, decayAt: 0.75, weightDecay: 0.01 } satisfies OptimizerConfig };

export interface TimeToDevRun {
  seconds: number;
  steps: number;
  dev_loss: number;
  reached: boolean;
}

export interface TimeToDevReport {
  target: number;
  recipe: typeof RECIPE;
  threads: number;
  ours: TimeToDevRun & { backend: string };
  torch: (TimeToDevRun & { version: string }) | { unavailable: string };
  /** our seconds over PyTorch's, when both reached the target */
  ratio: number | null;
}

/** `threads` for both sides (default: the machine's cores). */
export async function timeToDev(target: number, log: (line: string) => void, threads = os.cpus().length): Promise<TimeToDevReport> {
  const fx = lectureFixture();
  log(`ours: training to dev ${target}`);
  const ours = await oursToDev(fx, target, threads);
  log(`ours: ${ours.reached ? 'reached' : 'did not reach'} ${ours.dev_loss.toFixed(4)} at step ${ours.steps} in ${ours.seconds.toFixed(1)} s; torch: training`);
  const torch = torchToDev(fx, target, threads);
  const ratio = 'seconds' in torch && torch.reached && ours.reached ? ours.seconds / torch.seconds : null;
  return { target, recipe: RECIPE, threads, ours, torch, ratio };
}

async function oursToDev(fx: Fixture, target: number, threads: number): Promise<TimeToDevReport['ours']> {
  const choice = selectBackend();
  const ops = await openOps(choice, { threads, spawn: nodeWorkers });
  const params = freshParams(fx.spec);
  const rng = new PythonRandom(SEED);
  const optimizer = new Optimizer(RECIPE.optimizer, ops);
  let reached: { seconds: number; step: number; loss: number } | null = null;
  const t0 = performance.now();
  try {
    const state = await train(convEngine(params, fx.spec, ops, fx.train), params, optimizer, rng, fx.val, { steps: RECIPE.steps, batchSize: RECIPE.batch, optimizer: RECIPE.optimizer, evalEvery: RECIPE.evalEvery }, newTrainState(), {
      onEval: (point) => {
        if (point.loss <= target && !reached) reached = { seconds: (performance.now() - t0) / 1000, step: point.step, loss: point.loss };
      },
      shouldStop: () => reached !== null,
    });
    const last = state.evals[state.evals.length - 1];
    const end = reached ?? { seconds: (performance.now() - t0) / 1000, step: state.step, loss: last.loss };
    return { seconds: end.seconds, steps: end.step, dev_loss: end.loss, reached: reached !== null, backend: describeBackend(choice) };
  } finally {
    ops.destroy();
  }
}

function torchToDev(fx: Fixture & { lecture: ModelConfig }, target: number, threads: number): TimeToDevReport['torch'] {
  const found = findTorchPython();
  if (!found.ok) return { unavailable: found.reason };
  const params = Object.fromEntries([...freshParams(fx.spec).tensors].map(([name, t]) => [name, reshape(t.data, t.shape)]));
  const input = JSON.stringify({
    seed: SEED,
    threads,
    vocab_size: fx.lecture.vocabSize,
    n_embd: fx.lecture.nEmbd,
    n_hidden: fx.lecture.nHidden,
    n_layers: fx.lecture.nLayers,
    params,
    train: fx.train,
    dev: fx.val,
    steps: RECIPE.steps,
    batch: RECIPE.batch,
    lr: RECIPE.optimizer.lr,
    decay_at: RECIPE.optimizer.decayAt,
    weight_decay: RECIPE.optimizer.weightDecay,
    eval_every: RECIPE.evalEvery,
    target,
  });
  const script = fileURLToPath(new URL('./torch_time_to_dev.py', import.meta.url));
  const run = runPythonScript<TimeToDevRun & { version: string }>(found.python, script, input, 3_600_000);
  return run.ok ? run.answer : { unavailable: run.reason };
}

function reshape(data: Float32Array, shape: number[]): unknown {
  if (shape.length <= 1) return Array.from(data);
  const inner = shape.slice(1).reduce((a, b) => a * b, 1);
  return Array.from({ length: shape[0] }, (_, i) => reshape(data.subarray(i * inner, (i + 1) * inner), shape.slice(1)));
}

export function formatTimeToDev(r: TimeToDevReport): string {
  const run = (name: string, x: TimeToDevRun) => `  ${name}: ${x.reached ? 'reached' : 'did NOT reach'} dev ${x.dev_loss.toFixed(4)} at step ${x.steps} in ${x.seconds.toFixed(1)} s`;
  const torch = 'unavailable' in r.torch ? `  torch/conv: unavailable (${r.torch.unavailable})` : run(`torch/conv (torch ${r.torch.version}, ${r.threads} threads)`, r.torch);
  const o = r.recipe.optimizer;
  return [
    `Time to dev loss ${r.target} (AdamW lr ${o.lr}, weight decay ${o.weightDecay}, lr/10 after ${o.decayAt * r.recipe.steps} of ${r.recipe.steps} steps, ${r.recipe.batch} words a step, dev evaluated every ${r.recipe.evalEvery} steps, same initial weights)`,
    run(`conv (${r.ours.backend})`, r.ours),
    torch,
    r.ratio === null ? '  ratio: — (a run did not reach the target)' : `  ours / torch wall time: ${r.ratio.toFixed(3)}×`,
  ].join('\n');
}
