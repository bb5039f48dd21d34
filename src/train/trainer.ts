// The training loop, free of I/O: batches, optimizer, periodic dev evaluation, and hooks through
// which the caller shows progress and saves checkpoints. Its whole state is `TrainState`, so a run
// resumed from a saved state continues exactly as the uninterrupted run would have.

import type { PythonRandom } from '../rng.ts';
import type { ParamSet } from '../params.ts';
import type { Engine } from './engines.ts';
import { learningRate, Optimizer, timedLearningRate, type OptimizerConfig } from './optimizer.ts';
import { DEFAULT_DIVERGENCE_FACTOR, DivergenceWatch } from './divergence.ts';
import type { WeightAverage } from './ema.ts';

/** How long and how to train. */
export interface TrainOptions {
  /** Total steps of the run (a resumed run counts from its state's step). */
  steps: number;
  /** Words (conv engine) or windows (tree engine) per step. */
  batchSize: number;
  /** For the learning-rate schedule; the same as the Optimizer's. */
  optimizer: OptimizerConfig;
  /** Evaluate on the dev words every this many steps, and at the end. */
  evalEvery: number;
  /**
   * A time budget: once the run's wall time (state.seconds) reaches it, evaluate and return. The
   * learning rate then decays at `decayAt` of the budget instead of the steps (not repeatable to the bit).
   */
  maxSeconds?: number;
  /**
   * Stop with a {@link DivergenceError} when the training loss's moving average exceeds this many
   * times its lowest, or a dev loss this many times the first training loss (default 2; 0: only a
   * non-finite loss stops the run). See divergence.ts.
   */
  divergenceFactor?: number;
  /**
   * An average of the weights (--ema), updated after every step: each evaluation is the averaged
   * model's (the trained weights are put back after it), so the best is the average's.
   */
  ema?: WeightAverage;
}

/** One dev evaluation. */
export interface EvalPoint {
  /** Steps completed when evaluated. */
  step: number;
  loss: number;
}

/** Everything about a run's progress: save it (and the generator's state) to resume exactly. */
export interface TrainState {
  /** Steps completed. */
  step: number;
  /** Training loss of every step so far. */
  losses: number[];
  evals: EvalPoint[];
  best: EvalPoint | null;
  /** Wall time spent training so far (evaluations included). */
  seconds: number;
}

/** What {@link TrainHooks.onStep} is told after each step. */
export interface StepInfo {
  /** Steps completed. */
  step: number;
  loss: number;
  lr: number;
  /** Targets in the step's minibatch. */
  targets: number;
}

/** Callbacks from {@link train}, all optional. */
export interface TrainHooks {
  /** After every step. */
  onStep?(info: StepInfo): void;
  /** After each dev evaluation; `isBest` when it is the lowest so far (save the model then: with `ema`, its average). */
  onEval?(point: EvalPoint, isBest: boolean): void;
  /** When the state is worth saving for a resume: after each evaluation, and when stopped early (evaluated first if it never was). */
  onCheckpoint?(state: TrainState): void;
  /** Polled between steps (Ctrl-C): stop, checkpoint, return. */
  shouldStop?(): boolean;
}

/** The state of a run that has not started. */
export function newTrainState(): TrainState {
  return { step: 0, losses: [], evals: [], best: null, seconds: 0 };
}

/** How often the loop yields to the event loop, so that signals (Ctrl-C) and a browser's UI get their turn. */
const YIELD_EVERY_MS = 100;

/**
 * Trains `params` with `engine` until `opts.steps` steps are done, continuing from `state` (which
 * it updates and returns), evaluating on `devWords` every `opts.evalEvery` steps. Yields to the
 * event loop every 100 ms, so a browser page stays responsive and Ctrl-C is heard. A diverging
 * loss (see {@link TrainOptions.divergenceFactor}) throws a {@link DivergenceError} before that
 * step's update, so no diverged state is evaluated, checkpointed or made the best.
 */
export async function train(
  engine: Engine,
  params: ParamSet,
  optimizer: Optimizer,
  rng: PythonRandom,
  devWords: number[][],
  opts: TrainOptions,
  state: TrainState,
  hooks: TrainHooks = {},
): Promise<TrainState> {
  const grads = engine.newGrads();
  const watch = new DivergenceWatch(opts.divergenceFactor ?? DEFAULT_DIVERGENCE_FACTOR, state.losses);
  let clock = performance.now();
  const tick = () => {
    const now = performance.now();
    state.seconds += (now - clock) / 1000;
    clock = now;
  };
  let yielded = performance.now();
  while (state.step < opts.steps) {
    if (performance.now() - yielded > YIELD_EVERY_MS) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      yielded = performance.now();
    }
    if (hooks.shouldStop?.()) {
      // a run stopped before its first evaluation still leaves a best model to sample from
      if (state.best === null && state.step > 0) {
        evaluate(engine, params, devWords, state, watch, opts.ema);
        const point = state.evals[state.evals.length - 1];
        hooks.onEval?.(point, point === state.best);
      }
      tick();
      hooks.onCheckpoint?.(state);
      return state;
    }
    engine.clearGrads(grads);
    const { loss, targets } = engine.step(rng, opts.batchSize, grads);
    watch.step(state.step + 1, loss);
    const elapsed = state.seconds + (performance.now() - clock) / 1000;
    const lr = opts.maxSeconds === undefined ? learningRate(opts.optimizer, state.step, opts.steps) : timedLearningRate(opts.optimizer, elapsed, opts.maxSeconds, state.step);
    optimizer.step(params, grads, lr, state.step);
    opts.ema?.update(params);
    state.step++;
    state.losses.push(loss);
    hooks.onStep?.({ step: state.step, loss, lr, targets });
    const outOfTime = opts.maxSeconds !== undefined && elapsed >= opts.maxSeconds;
    if (state.step % opts.evalEvery === 0 || state.step === opts.steps || outOfTime) {
      evaluate(engine, params, devWords, state, watch, opts.ema);
      tick();
      const point = state.evals[state.evals.length - 1];
      hooks.onEval?.(point, point === state.best);
      hooks.onCheckpoint?.(state);
      if (outOfTime) return state;
    }
  }
  return state;
}

function evaluate(engine: Engine, params: ParamSet, devWords: number[][], state: TrainState, watch: DivergenceWatch, ema?: WeightAverage): void {
  const loss = ema ? ema.with(params, state.step, () => engine.evaluate(devWords).loss) : engine.evaluate(devWords).loss;
  const point = { step: state.step, loss };
  // the step's loss was fine but its update was not: these parameters must not become the best model
  watch.dev(state.step, point.loss);
  state.evals.push(point);
  if (state.best === null || point.loss < state.best.loss) state.best = point;
}

