// What defines a training run (stored in its resume file), read from the options; and on --resume,
// which options the run takes from the command line and which must match the stored run.

import { DEFAULT_LR, type OptimizerConfig, type OptimizerName } from '../train/optimizer.ts';
import { DEFAULT_DIVERGENCE_FACTOR } from '../train/divergence.ts';
import type { EngineName } from '../train/engines.ts';
import { MAX_POSITIONS } from '../../kernels/spec.ts';
import { choiceOption, intOption, numberOption, stringOption, UsageError } from './args.ts';
import { MODEL_OPTIONS, modelChoice, modelSpec, type ModelChoice } from './model-options.ts';
import type { ResolvedSpec } from '../spec/resolve.ts';
import { legacyRunModel } from '../presets/legacy.ts';
import { DEFAULT_DATA } from './dataset.ts';

export interface RunSettings {
  data: string;
  engine: EngineName;
  steps: number;
  /** A time budget in minutes (train --minutes), or null. */
  minutes: number | null;
  batch: number;
  /** As given: a preset and its options, or a spec file (the model itself is the checkpoint's spec). */
  model: ModelChoice;
  optimizer: OptimizerConfig;
  evalEvery: number;
  evalWords: number; // dev words each evaluation uses (the first of the shuffled dev split); 0: all
  seed: number;
  /** --divergence-factor (0: off); a run saved by an older release has none, and takes the default. */
  divergenceFactor: number;
}

const MAX_STEPS = 10_000_000; // the per-step loss history alone is 120 MB by then
export const DEFAULT_EVAL_WORDS = 1000;
/** Evaluations on the default sample cost about 10 steps of 32 words each: this keeps them under ~10% of a run. */
const MIN_DEFAULT_EVAL_EVERY = 100;

export function settingsFrom(v: Record<string, unknown>): RunSettings {
  const steps = intOption(v, 'steps', 3000, 1, MAX_STEPS);
  const optimizer = choiceOption<OptimizerName>(v, 'optimizer', ['sgd', 'adamw'], 'sgd');
  return {
    data: stringOption(v, 'data', DEFAULT_DATA),
    engine: choiceOption<EngineName>(v, 'engine', ['conv', 'tree'], 'conv'),
    steps,
    minutes: v.minutes === undefined ? null : numberOption(v, 'minutes', 0),
    batch: intOption(v, 'batch', 32, 2, MAX_POSITIONS),
    model: modelChoice(v),
    optimizer: { name: optimizer, lr: numberOption(v, 'lr', DEFAULT_LR[optimizer]), decayAt: 0.75, weightDecay: numberOption(v, 'weight-decay', 0.01, (n) => n >= 0) },
    evalEvery: intOption(v, 'eval-every', Math.max(MIN_DEFAULT_EVAL_EVERY, Math.ceil(steps / 20))),
    evalWords: intOption(v, 'eval-words', DEFAULT_EVAL_WORDS, 0),
    seed: intOption(v, 'seed', 42, 0),
    divergenceFactor: numberOption(v, 'divergence-factor', DEFAULT_DIVERGENCE_FACTOR, (n) => n === 0 || n > 1),
  };
}

/** Options that must match the resumed run when given: changing them would make it a different run. */
const FIXED_ON_RESUME: Record<string, (s: RunSettings) => unknown> = {
  data: (s) => s.data,
  engine: (s) => s.engine,
  batch: (s) => s.batch,
  seed: (s) => s.seed,
  optimizer: (s) => s.optimizer.name,
  'weight-decay': (s) => s.optimizer.weightDecay,
  'eval-words': (s) => s.evalWords, // the best model is chosen on these words
};

/** A resumed run keeps its model: model options given again must be the run's (`stored`), or describe its spec. */
export function checkResumedModel(v: Record<string, unknown>, stored: ModelChoice, spec: ResolvedSpec): void {
  const given = Object.keys(MODEL_OPTIONS).filter((name) => v[name] !== undefined);
  if (given.length === 0) return;
  const choice = modelChoice(v);
  if ('preset' in choice && 'preset' in stored && choice.preset === stored.preset) {
    const differs = given.find((name) => name !== 'model' && JSON.stringify(choice.options[name]) !== JSON.stringify(stored.options[name]));
    if (differs) throw new UsageError(`--${differs} ${String(v[differs])} differs from the run being resumed (${String(stored.options[differs])}); leave it out, or start a new --out`);
  }
  if (JSON.stringify(modelSpec(choice, spec.spec.vocabSize).spec) !== JSON.stringify(spec.spec)) {
    throw new UsageError(`${given.map((name) => `--${name} ${String(v[name])}`).join(', ')}: a different model from the run being resumed's; leave ${given.length > 1 ? 'them' : 'it'} out, or start a new --out`);
  }
}

/** The resumed run's settings: --steps (beyond `step`, where the run stands), --lr, --eval-every and --divergence-factor apply from here on. */
export function resumedSettings(stored: RunSettings, v: Record<string, unknown>, step: number): RunSettings {
  const given = settingsFrom(v);
  for (const [name, value] of Object.entries(FIXED_ON_RESUME)) {
    if (v[name] !== undefined && value(given) !== value(stored)) {
      throw new UsageError(`--${name} ${String(v[name])} differs from the run being resumed (${String(value(stored))}); leave it out, or start a new --out`);
    }
  }
  const steps = v.steps === undefined ? stored.steps : given.steps;
  if (steps <= step) {
    throw new UsageError(
      v.steps === undefined ? `the run has finished (step ${step} of ${steps}): give --steps N with N > ${step} to extend it` : `--steps ${steps} does not extend the run, which is at step ${step}: give a larger --steps`,
    );
  }
  const model = 'preset' in stored.model || 'specFile' in stored.model ? stored.model : legacyRunModel(stored.model as Record<string, unknown>);
  return {
    ...stored,
    model,
    steps,
    minutes: v.minutes === undefined ? (stored.minutes ?? null) : given.minutes,
    optimizer: { ...stored.optimizer, lr: v.lr === undefined ? stored.optimizer.lr : given.optimizer.lr },
    evalEvery: v['eval-every'] === undefined ? stored.evalEvery : given.evalEvery,
    divergenceFactor: v['divergence-factor'] === undefined ? (stored.divergenceFactor ?? DEFAULT_DIVERGENCE_FACTOR) : given.divergenceFactor,
  };
}
