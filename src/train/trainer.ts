// The training loop, free of I/O: batches, optimizer, periodic dev evaluation, and hooks through
// which the caller shows progress and saves checkpoints. Its whole state is `TrainState`, so a run
// resumed from a saved state continues exactly as the uninterrupted run would have.

import type { PythonRandom } from '../rng.ts';
import type { ParamSet } from '../params.ts';
import type { Engine } from './engines.ts';
import { learningRate, Optimizer, type OptimizerConfig } from './optimizer.ts';

export interface TrainOptions {
  steps: number;
  batchSize: number;
  optimizer: OptimizerConfig;
  evalEvery: number;
}

export interface EvalPoint {
  step: number; // steps completed when evaluated
  loss: number;
}

export interface TrainState {
  step: number; // steps completed
  losses: number[]; // training loss of every step so far
  evals: EvalPoint[];
  best: EvalPoint | null;
}

export interface StepInfo {
  step: number; // steps completed
  loss: number;
  lr: number;
  targets: number;
}

export interface TrainHooks {
  onStep?(info: StepInfo): void;
  /** After each dev evaluation; `isBest` when it is the lowest so far (save the model then). */
  onEval?(point: EvalPoint, isBest: boolean): void;
  /** When the state is worth saving for a resume: after each evaluation, and when stopped early. */
  onCheckpoint?(state: TrainState): void;
  /** Polled between steps (Ctrl-C): stop, checkpoint, return. */
  shouldStop?(): boolean;
}

export class NonFiniteLossError extends Error {
  constructor(readonly step: number, readonly loss: number) {
    super(`training loss became ${loss} at step ${step}; stopped, the last saved checkpoint is kept`);
    this.name = 'NonFiniteLossError';
  }
}

export function newTrainState(): TrainState {
  return { step: 0, losses: [], evals: [], best: null };
}

export function train(
  engine: Engine,
  params: ParamSet,
  optimizer: Optimizer,
  rng: PythonRandom,
  devWords: number[][],
  opts: TrainOptions,
  state: TrainState,
  hooks: TrainHooks = {},
): TrainState {
  const grads = params.zeroGrads();
  while (state.step < opts.steps) {
    if (hooks.shouldStop?.()) {
      hooks.onCheckpoint?.(state);
      return state;
    }
    for (const g of grads.values()) g.data.fill(0);
    const { loss, targets } = engine.step(rng, opts.batchSize, grads);
    if (!Number.isFinite(loss)) throw new NonFiniteLossError(state.step + 1, loss);
    const lr = learningRate(opts.optimizer, state.step, opts.steps);
    optimizer.step(params, grads, lr, state.step);
    state.step++;
    state.losses.push(loss);
    hooks.onStep?.({ step: state.step, loss, lr, targets });
    if (state.step % opts.evalEvery === 0 || state.step === opts.steps) evaluate(engine, devWords, state, hooks);
  }
  return state;
}

function evaluate(engine: Engine, devWords: number[][], state: TrainState, hooks: TrainHooks): void {
  const point = { step: state.step, loss: engine.evaluate(devWords).loss };
  state.evals.push(point);
  const isBest = state.best === null || point.loss < state.best.loss;
  if (isBest) state.best = point;
  hooks.onEval?.(point, isBest);
  hooks.onCheckpoint?.(state);
}

