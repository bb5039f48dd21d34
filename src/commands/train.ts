// makemore train: a new run, or --resume of the one in --out.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PythonRandom } from '../rng.ts';
import type { ParamSet } from '../params.ts';
import type { AnyModelConfig } from '../wavenet-params.ts';
import { Optimizer, DEFAULT_LR, type OptimizerConfig, type OptimizerName } from '../train/optimizer.ts';
import { newTrainState, NonFiniteLossError, train, type TrainState } from '../train/trainer.ts';
import type { EngineName } from '../train/engines.ts';
import { loadResume, MODEL_FILE, saveBestModel, saveLossPlot, saveResume, LOSS_PLOT_FILE } from '../io/run-dir.ts';
import { generatorFor } from '../generate/for-model.ts';
import { choiceOption, intOption, numberOption, parse, stringOption, UsageError, type OptionSpec } from './args.ts';
import { initModel, MODEL_HELP, MODEL_OPTIONS, modelSettings, type ModelSettings } from './model-options.ts';
import { DEFAULT_DATA, loadDataset } from './dataset.ts';
import { BACKEND_HELP, BACKEND_OPTIONS, chooseEngine } from './engine-choice.ts';
import { formatDuration, Progress } from './progress.ts';

export const TRAIN_HELP = `makemore train — train a model on a file of names (one per line)

  --data FILE          training text (default ${DEFAULT_DATA}); split 80/10/10 as the lecture (seed 42)
  --out DIR            run directory (default out): model.safetensors (best dev), resume.safetensors, loss.svg
  --engine conv|tree   conv: whole words per batch (default); tree: the lecture's random windows (lecture model only)
  --steps N            optimisation steps (default 3000)
  --minutes M          also stop after M minutes of training (evaluating then); the lr decay then
                       comes at 75% of the time instead of the steps
  --batch N            words per batch (conv) or windows per batch (tree) (default 32)
${MODEL_HELP}  --optimizer sgd|adamw  (default sgd: lr until 75% of the steps, then lr/10, as the lecture)
  --lr X               learning rate (default 0.1 for sgd, 0.003 for adamw)
  --weight-decay X     AdamW weight decay (default 0.01)
  --eval-every N       dev evaluation and checkpoint interval (default steps/20)
  --seed N             initialisation and batches (default 42)
${BACKEND_HELP}  --resume             continue the run in --out exactly where it stopped (--steps may extend it)
  --samples N          names to print at the end (default 10)
`;

const OPTIONS: OptionSpec = {
  data: { type: 'string' },
  out: { type: 'string' },
  engine: { type: 'string' },
  steps: { type: 'string' },
  minutes: { type: 'string' },
  batch: { type: 'string' },
  ...MODEL_OPTIONS,
  optimizer: { type: 'string' },
  lr: { type: 'string' },
  'weight-decay': { type: 'string' },
  'eval-every': { type: 'string' },
  seed: { type: 'string' },
  ...BACKEND_OPTIONS,
  resume: { type: 'boolean' },
  samples: { type: 'string' },
};

/** What defines a run; stored in resume.safetensors and checked on --resume. */
interface RunSettings {
  data: string;
  engine: EngineName;
  steps: number;
  /** A time budget, or null. */
  minutes: number | null;
  batch: number;
  model: ModelSettings;
  optimizer: OptimizerConfig;
  evalEvery: number;
  seed: number;
}

function settingsFrom(v: Record<string, unknown>): RunSettings {
  const steps = intOption(v, 'steps', 3000);
  const optimizer = choiceOption<OptimizerName>(v, 'optimizer', ['sgd', 'adamw'], 'sgd');
  return {
    data: stringOption(v, 'data', DEFAULT_DATA),
    engine: choiceOption<EngineName>(v, 'engine', ['conv', 'tree'], 'conv'),
    steps,
    minutes: v.minutes === undefined ? null : numberOption(v, 'minutes', 0),
    batch: intOption(v, 'batch', 32, 2),
    model: modelSettings(v),
    optimizer: { name: optimizer, lr: numberOption(v, 'lr', DEFAULT_LR[optimizer]), decayAt: 0.75, weightDecay: numberOption(v, 'weight-decay', 0.01, (n) => n >= 0) },
    evalEvery: intOption(v, 'eval-every', Math.max(1, Math.ceil(steps / 20))),
    seed: intOption(v, 'seed', 42, 0),
  };
}

/** On --resume, the stored settings hold; --steps may extend the run and --lr change the rate from here on. */
function resumedSettings(stored: RunSettings, v: Record<string, unknown>): RunSettings {
  const given = settingsFrom(v);
  const fixed: [string, unknown, unknown][] = [
    ['data', stored.data, v.data === undefined ? stored.data : given.data],
    ['engine', stored.engine, v.engine === undefined ? stored.engine : given.engine],
    ['batch', stored.batch, v.batch === undefined ? stored.batch : given.batch],
    ['seed', stored.seed, v.seed === undefined ? stored.seed : given.seed],
    ['optimizer', stored.optimizer.name, v.optimizer === undefined ? stored.optimizer.name : given.optimizer.name],
  ];
  for (const [name, was, now] of fixed) {
    if (was !== now) throw new UsageError(`--${name} ${now} differs from the run being resumed (${was}); start a new --out instead`);
  }
  return {
    ...stored,
    steps: v.steps === undefined ? stored.steps : given.steps,
    minutes: v.minutes === undefined ? (stored.minutes ?? null) : given.minutes,
    optimizer: { ...stored.optimizer, lr: v.lr === undefined ? stored.optimizer.lr : given.optimizer.lr },
  };
}

/** What a finished (or stopped) run reports to its caller (the sweep). */
export interface TrainSummary {
  state: TrainState;
  /** Stopped by Ctrl-C: the resume file holds the run. */
  interrupted: boolean;
  parameters: number;
  config: AnyModelConfig;
}

export async function trainCommand(argv: string[]): Promise<TrainSummary | void> {
  const v = parse('train', argv, OPTIONS);
  if (v.help) return void process.stdout.write(TRAIN_HELP);
  const out = stringOption(v, 'out', 'out');
  mkdirSync(out, { recursive: true });

  const resume = v.resume ? loadResume(out) : null;
  const settings = resume ? resumedSettings(resume.checkpoint.config.run as RunSettings, v) : settingsFrom(v);
  const data = loadDataset(settings.data);
  if (resume && resume.checkpoint.vocab.chars.join('') !== data.vocab.chars.join('')) {
    throw new UsageError(`${settings.data} no longer has the vocabulary of the run being resumed`);
  }
  const cfg = { vocabSize: data.vocab.size, ...settings.model } as AnyModelConfig;
  const rng = new PythonRandom(settings.seed);
  const params = resume ? resume.checkpoint.params : initModel(cfg, rng);
  if (resume) rng.setState(resume.rngState);
  const state = resume ? resume.state : newTrainState();

  const choice = await chooseEngine(settings.engine, params, cfg, data.words.train, v);
  const optimizer = new Optimizer(settings.optimizer, choice.ops);
  if (resume) optimizer.restore(resume.moments);
  const stored = { ...cfg, run: settings };
  const progress = new Progress(settings.steps, state.step, settings.minutes === null ? Infinity : settings.minutes * 60 - state.seconds);
  progress.log(
    `${v.resume ? `resuming ${join(out, 'resume.safetensors')} at step ${state.step}` : 'new run'}: ${params.count().toLocaleString('en-US')} parameters, ` +
      `${data.words.train.length} train / ${data.words.val.length} dev words from ${settings.data}; ${choice.description}`,
  );

  let savedStep = resume ? state.step : null;
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(130); // a second Ctrl-C: leave at once
    interrupted = true;
    progress.log('interrupted: saving the run, then stopping (Ctrl-C again to quit now)');
  };
  process.on('SIGINT', onSigint);
  try {
    await train(choice.engine, params, optimizer, rng, data.words.val, { steps: settings.steps, batchSize: settings.batch, optimizer: settings.optimizer, evalEvery: settings.evalEvery, maxSeconds: settings.minutes === null ? undefined : settings.minutes * 60 }, state, {
      onStep: (s) => progress.update(s.step, s.loss, s.targets),
      onEval: (point, isBest) => {
        progress.log(`step ${point.step}: dev loss ${point.loss.toFixed(4)}${isBest ? ` (best, saved ${join(out, MODEL_FILE)})` : ''}`);
        if (isBest) saveBestModel(out, params, data.vocab, stored);
      },
      onCheckpoint: (s) => {
        savedStep = s.step;
        saveResume(out, { params, vocab: data.vocab, settings: stored, state: s, rng, optimizer });
        saveLossPlot(out, s);
      },
      shouldStop: () => interrupted,
    });
  } catch (e) {
    if (e instanceof NonFiniteLossError) {
      progress.end();
      const saved = savedStep === null ? 'nothing was saved yet' : `${join(out, 'resume.safetensors')} holds step ${savedStep}`;
      throw new UsageError(`${e.message} (${saved}; try a lower --lr)`);
    }
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
    choice.close();
  }
  progress.end();
  report(out, state, settings, interrupted);
  if (!interrupted) printSamples(params, cfg, data.vocab.chars, intOption(v, 'samples', 10, 0), settings.seed);
  return { state, interrupted, parameters: params.count(), config: cfg };
}

function report(out: string, state: TrainState, settings: RunSettings, interrupted: boolean): void {
  const tail = state.losses.slice(-1000);
  const recent = tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length);
  const lines = [
    `${interrupted ? 'stopped' : 'done'} at step ${state.step}/${settings.steps} in ${formatDuration(state.seconds)}`,
    `train loss (mean of the last ${tail.length} steps) ${recent.toFixed(4)}; best dev loss ${state.best?.loss.toFixed(4) ?? 'n/a'} at step ${state.best?.step ?? 'n/a'}`,
    `run directory ${out}: ${MODEL_FILE}, resume.safetensors, ${LOSS_PLOT_FILE}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

function printSamples(params: ParamSet, cfg: AnyModelConfig, chars: string[], count: number, seed: number): void {
  if (count === 0) return;
  const generate = generatorFor(params, cfg, 'cached');
  const rng = new PythonRandom(seed);
  const names = Array.from({ length: count }, () => generate(rng, { temperature: 1, topK: 0 }, 50).map((i) => chars[i]).join(''));
  process.stdout.write(`samples: ${names.join(', ')}\n`);
}
