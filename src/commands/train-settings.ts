// What defines a training run (stored in its resume file), read from the options; and on --resume,
// which options the run takes from the command line and which must match the stored run.

import { DEFAULT_LR, type OptimizerConfig } from '../train/optimizer.ts';
import { DEFAULT_DIVERGENCE_FACTOR } from '../train/divergence.ts';
import type { EngineName } from '../train/engines.ts';
import { MAX_POSITIONS } from '../../kernels/spec.ts';
import type { OptionTable, OptionValues } from '../options/declare.ts';
import { UsageError } from './args.ts';
import { MODEL_OPTION_NAMES, MODEL_OPTIONS, modelChoice, modelSpec, type ModelChoice } from './model-options.ts';
import type { ResolvedSpec } from '../spec/resolve.ts';
import { legacyRunModel } from '../presets/legacy.ts';
import { DEFAULT_DATA } from './dataset.ts';
import { ENGINE_OPTIONS } from './engine-choice.ts';

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
  /** --ema: the decay of the weights' exponential moving average (0: off; an older release's run has none: off). */
  ema?: number;
  /** --label-smoothing (0: off; an older release's run has none: off). */
  labelSmoothing?: number;
}

const MAX_STEPS = 10_000_000; // the per-step loss history alone is 120 MB by then
export const DEFAULT_EVAL_WORDS = 1000;
/** Evaluations on the default sample cost about 10 steps of 32 words each: this keeps them under ~10% of a run. */
const MIN_DEFAULT_EVAL_EVERY = 100;

/** What defines a run: train's options less those about the command itself (--out, --resume, …) and the backend. */
export const RUN_OPTIONS = {
  data: { type: 'string', arg: 'FILE', default: DEFAULT_DATA, help: 'training text, one item per line; split 80/10/10 as the lecture (seed 42)' },
  ...ENGINE_OPTIONS,
  steps: { type: 'int', min: 1, max: MAX_STEPS, default: 3000, help: 'optimisation steps' },
  minutes: {
    type: 'number',
    above: 0,
    arg: 'M',
    help: 'also stop after M minutes of training (evaluating then); the lr schedule then\nruns over the time instead of the steps (the warm-up still counts steps)',
  },
  batch: { type: 'int', min: 2, max: MAX_POSITIONS, default: 32, help: 'words per batch (conv) or windows per batch (tree)' },
  optimizer: { type: 'choice', choices: ['sgd', 'adamw'], default: 'sgd', help: 'sgd or adamw (β 0.9, 0.999)' },
  lr: { type: 'number', above: 0, help: `learning rate (default ${DEFAULT_LR.sgd} for sgd, ${DEFAULT_LR.adamw} for adamw)` },
  'weight-decay': { type: 'number', min: 0, default: 0.01, help: 'AdamW weight decay' },
  schedule: {
    type: 'choice',
    choices: ['step', 'cosine'],
    default: 'step',
    help: 'step: lr until 75% of the steps (or of --minutes), then lr/10, as the lecture;\ncosine: from lr down to lr/10 along half a cosine, after the warm-up',
  },
  warmup: { type: 'int', min: 0, max: MAX_STEPS, default: 0, help: 'steps of linear warm-up from 0 to lr before the schedule' },
  ema: {
    type: 'number',
    min: 0,
    below: 1,
    arg: 'DECAY',
    default: 0,
    help: "evaluate and save an exponential moving average of the weights (e.g. 0.999),\nupdated after every step and bias-corrected as Adam's moments (0: off)",
  },
  'label-smoothing': { type: 'number', min: 0, below: 1, default: 0, help: 'train against (1 − X)·onehot + X/vocabulary (the dev loss stays plain cross-entropy)' },
  'eval-every': { type: 'int', min: 1, help: `dev evaluation and checkpoint interval (default steps/20, at least ${MIN_DEFAULT_EVAL_EVERY}; the last step always)` },
  'eval-words': { type: 'int', min: 0, default: DEFAULT_EVAL_WORDS, help: 'dev words each evaluation uses: the first N of the shuffled dev split (0: all)' },
  seed: { type: 'int', min: 0, default: 42, help: 'initialisation and batches' },
  'divergence-factor': {
    type: 'number',
    min: 0,
    default: DEFAULT_DIVERGENCE_FACTOR,
    help: "stop (exit 2) when the training loss's moving average passes X times its lowest,\nor a dev loss X times the first training loss (0: only a NaN or infinite loss stops the run)",
  },
} as const satisfies OptionTable;

/** A run's options as parsed: RUN_OPTIONS and the model's (MODEL_OPTIONS). */
export type RunValues = OptionValues<typeof RUN_OPTIONS & typeof MODEL_OPTIONS>;

export function settingsFrom(v: RunValues, given: ReadonlySet<string>): RunSettings {
  const divergenceFactor = v['divergence-factor'];
  if (divergenceFactor > 0 && divergenceFactor <= 1) throw new UsageError(`--divergence-factor must be 0 (off) or a number > 1, got "${divergenceFactor}"`);
  return {
    data: v.data,
    engine: v.engine,
    steps: v.steps,
    minutes: v.minutes ?? null,
    batch: v.batch,
    model: modelChoice(v, given),
    optimizer: { name: v.optimizer, lr: v.lr ?? DEFAULT_LR[v.optimizer], decayAt: 0.75, weightDecay: v['weight-decay'], schedule: v.schedule, warmup: v.warmup },
    evalEvery: v['eval-every'] ?? Math.max(MIN_DEFAULT_EVAL_EVERY, Math.ceil(v.steps / 20)),
    evalWords: v['eval-words'],
    seed: v.seed,
    divergenceFactor,
    ema: v.ema,
    labelSmoothing: v['label-smoothing'],
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
  schedule: (s) => s.optimizer.schedule ?? 'step',
  warmup: (s) => s.optimizer.warmup ?? 0,
  ema: (s) => s.ema ?? 0, // the stored average is of these decays
  'label-smoothing': (s) => s.labelSmoothing ?? 0,
};

/** A stored run's model as a ModelChoice: release 0.1.0's runs stored their sizes instead. */
export function storedModel(stored: RunSettings): ModelChoice {
  return 'preset' in stored.model || 'specFile' in stored.model ? stored.model : legacyRunModel(stored.model as Record<string, unknown>);
}

/** A resumed run keeps its model: model options given again must be the run's (`stored`), or describe its spec. */
export function checkResumedModel(v: RunValues, givenOptions: ReadonlySet<string>, stored: ModelChoice, spec: ResolvedSpec): void {
  const given = MODEL_OPTION_NAMES.filter((name) => givenOptions.has(name));
  if (given.length === 0) return;
  const choice = modelChoice(v, givenOptions);
  if ('preset' in choice && 'preset' in stored && choice.preset === stored.preset) {
    const differs = given.find((name) => name !== 'model' && JSON.stringify(choice.options[name]) !== JSON.stringify(stored.options[name]));
    if (differs) throw new UsageError(`--${differs} ${String((v as Record<string, unknown>)[differs])} differs from the run being resumed (${String(stored.options[differs])}); leave it out, or start a new --out`);
  }
  if (JSON.stringify(modelSpec(choice, spec.spec.vocabSize).spec) !== JSON.stringify(spec.spec)) {
    throw new UsageError(`${given.map((name) => `--${name} ${String((v as Record<string, unknown>)[name])}`).join(', ')}: a different model from the run being resumed's; leave ${given.length > 1 ? 'them' : 'it'} out, or start a new --out`);
  }
}

/** The resumed run's settings: --steps (beyond `step`, where the run stands), --lr, --eval-every and --divergence-factor apply from here on. */
export function resumedSettings(stored: RunSettings, v: RunValues, givenOptions: ReadonlySet<string>, step: number): RunSettings {
  const given = settingsFrom(v, givenOptions);
  for (const [name, value] of Object.entries(FIXED_ON_RESUME)) {
    if (givenOptions.has(name) && value(given) !== value(stored)) {
      throw new UsageError(`--${name} ${String(v[name as keyof RunValues])} differs from the run being resumed (${String(value(stored))}); leave it out, or start a new --out`);
    }
  }
  const steps = givenOptions.has('steps') ? given.steps : stored.steps;
  if (steps <= step) {
    throw new UsageError(
      !givenOptions.has('steps') ? `the run has finished (step ${step} of ${steps}): give --steps N with N > ${step} to extend it` : `--steps ${steps} does not extend the run, which is at step ${step}: give a larger --steps`,
    );
  }
  return {
    ...stored,
    model: storedModel(stored),
    steps,
    minutes: givenOptions.has('minutes') ? given.minutes : (stored.minutes ?? null),
    optimizer: { ...stored.optimizer, lr: givenOptions.has('lr') ? given.optimizer.lr : stored.optimizer.lr },
    evalEvery: givenOptions.has('eval-every') ? given.evalEvery : stored.evalEvery,
    divergenceFactor: givenOptions.has('divergence-factor') ? given.divergenceFactor : (stored.divergenceFactor ?? DEFAULT_DIVERGENCE_FACTOR),
  };
}
