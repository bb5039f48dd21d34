// makemore train: a new run in --out, or --resume of the one there. Everything is checked (options,
// data, backend) before the directory is touched; the directory is then claimed (run-claim.ts) and
// locked until the command ends.

import { join } from 'node:path';
import { PythonRandom } from '../rng.ts';
import type { ParamSet } from '../params.ts';
import { initParams } from '../spec/init.ts';
import type { ResolvedSpec } from '../spec/resolve.ts';
import { referenceOps } from '../engine/reference-ops.ts';
import { StepModel } from '../models/step.ts';
import { Optimizer } from '../train/optimizer.ts';
import { WeightAverage } from '../train/ema.ts';
import { newTrainState, train, type EvalPoint, type TrainState } from '../train/trainer.ts';
import { DivergenceError } from '../train/divergence.ts';
import { exportModel, loadResume, LOSS_PLOT_FILE, MODEL_FILE, RESUME_FILE, saveRun, type ResumePoint } from '../io/run-dir.ts';
import { claimRunDirectory, type RunClaim } from '../io/run-claim.ts';
import { BatchedGenerator } from '../generate/batched.ts';
import { plainSpec } from '../generate/candidates.ts';
import { firstNames } from '../generate/selection.ts';
import { optionsHelp, type OptionTable } from '../options/declare.ts';
import { parseCommand, UsageError } from './args.ts';
import { MODEL_HELP, MODEL_OPTIONS, modelSpec, type ModelChoice } from './model-options.ts';
import { loadDataset, requireSplits, type Dataset } from './dataset.ts';
import { BACKEND_OPTIONS, backendRequest, chooseEngine, type BackendRequest, type EngineChoice } from './engine-choice.ts';
import { formatDuration, Progress } from './progress.ts';
import { checkResumedModel, resumedSettings, RUN_OPTIONS, settingsFrom, type RunSettings, type RunValues } from './train-settings.ts';
import { checkStepFits, longestWord } from './limits.ts';
import { StopSignals } from './stop-signals.ts';
import { noteUnverified } from './checksum-note.ts';

/** The options about the command rather than the run. */
const COMMAND_OPTIONS = {
  out: {
    type: 'string',
    arg: 'DIR',
    default: 'out',
    help: `the run's directory: ${MODEL_FILE} (best dev), ${RESUME_FILE}, ${LOSS_PLOT_FILE};\na directory holding another run is refused unless --resume or --force`,
  },
  resume: {
    type: 'boolean',
    help: 'continue the run in --out exactly where it stopped; --steps (to extend it), --lr,\n--eval-every, --minutes and --divergence-factor apply from there on, every other run option\nmust match or be left out',
  },
  force: { type: 'boolean', help: `replace the run in --out (its ${MODEL_FILE}, ${RESUME_FILE} and ${LOSS_PLOT_FILE} are deleted)` },
  samples: { type: 'int', min: 0, max: 1000, default: 10, help: 'names to print at the end' },
} as const satisfies OptionTable;

/** Every option of `makemore train`. */
export const TRAIN_OPTIONS = { ...RUN_OPTIONS, ...MODEL_OPTIONS, ...BACKEND_OPTIONS, ...COMMAND_OPTIONS } as const satisfies OptionTable;

export const TRAIN_HELP = `makemore train — train a model on a file of names (one per line)

${optionsHelp(RUN_OPTIONS)}${MODEL_HELP}${optionsHelp(BACKEND_OPTIONS)}${optionsHelp(COMMAND_OPTIONS)}
  Ctrl-C or SIGTERM saves the run (evaluating it first if it never was, so that ${MODEL_FILE} exists) and
  exits with status 130 or 143; a second one quits at once.
`;

const SAMPLE_LENGTH = 50;

/** A run ready to train: its directory claimed, its engine built. */
interface OpenRun {
  out: string;
  settings: RunSettings;
  data: Dataset;
  spec: ResolvedSpec;
  params: ParamSet;
  best: ParamSet | null;
  rng: PythonRandom;
  state: TrainState;
  moments: ResumePoint['moments'];
  ema: ResumePoint['ema'];
  choice: EngineChoice;
  claim: RunClaim;
  savedStep: number | null; // the step the resume file holds
  start: string; // how it began, for the first line
}

/** What a finished (or stopped) run reports to its caller (the sweep). */
export interface TrainSummary {
  state: TrainState;
  parameters: number;
  spec: ResolvedSpec;
  model: ModelChoice;
}

/** Exit status; `done` (the sweep's) gets the run's summary. */
export async function trainCommand(argv: string[], done?: (summary: TrainSummary) => void): Promise<number> {
  const parsed = parseCommand('train', argv, TRAIN_OPTIONS);
  if (parsed.help) {
    process.stdout.write(TRAIN_HELP);
    return 0;
  }
  const { values: v, given } = parsed;
  if (v.resume && v.force) throw new UsageError('--resume continues the run in --out and --force replaces it: give one of them');
  const backend = backendRequest(v, given);
  const run = await (v.resume ? openResumed(v, given, backend, v.out) : openNew(v, given, backend, v.out, v.force));
  try {
    const status = await trainRun(run, v.samples);
    done?.({ state: run.state, parameters: run.params.count(), spec: run.spec, model: run.settings.model });
    return status;
  } finally {
    run.choice.close();
    run.claim.release();
  }
}

async function openNew(v: RunValues, given: ReadonlySet<string>, backend: BackendRequest, out: string, force: boolean): Promise<OpenRun> {
  const settings = settingsFrom(v, given);
  const data = loadDataset(settings.data);
  requireSplits(data, ['train', 'val'], 'training');
  const spec = modelSpec(settings.model, data.vocab.size);
  checkStepFits(settings.engine, spec, settings.batch, data.words.train, settings.data);
  const rng = new PythonRandom(settings.seed);
  const params = initParams(spec, rng);
  const choice = await chooseEngine(settings.engine, params, spec, data.words.train, backend, { batch: settings.batch, file: settings.data, labelSmoothing: settings.labelSmoothing });
  let claim: RunClaim;
  try {
    claim = claimRunDirectory(out, force ? 'replace' : 'new');
  } catch (e) {
    choice.close();
    throw e;
  }
  const start = claim.replaced.length > 0 ? `new run, replacing ${claim.replaced.join(', ')} in ${out}` : 'new run';
  return { out, settings, data, spec, params, best: null, rng, state: newTrainState(), moments: new Map(), ema: new Map(), choice, claim, savedStep: null, start };
}

async function openResumed(v: RunValues, given: ReadonlySet<string>, backend: BackendRequest, out: string): Promise<OpenRun> {
  const claim = claimRunDirectory(out, 'resume');
  try {
    const point = loadResume(out);
    const { checkpoint } = point;
    if (!point.verified) noteUnverified(join(out, RESUME_FILE));
    // a save cut short after the resume file (the commit) leaves model.safetensors one best behind: bring it up to date
    const { spec } = checkpoint;
    if (point.best) exportModel(out, point.best, checkpoint.vocab, spec.spec, checkpoint.config);
    const settings = resumedSettings(checkpoint.config.run as RunSettings, v, given, point.state.step);
    checkResumedModel(v, given, settings.model, spec);
    const data = loadDataset(settings.data);
    requireSplits(data, ['train', 'val'], 'training');
    if (checkpoint.vocab.chars.join('') !== data.vocab.chars.join('')) throw new UsageError(`${settings.data} no longer has the vocabulary of the run being resumed`);
    checkStepFits(settings.engine, spec, settings.batch, data.words.train, settings.data);
    const rng = new PythonRandom(settings.seed);
    rng.setState(point.rngState);
    const choice = await chooseEngine(settings.engine, checkpoint.params, spec, data.words.train, backend, { batch: settings.batch, file: settings.data, labelSmoothing: settings.labelSmoothing });
    const start = `resuming ${join(out, RESUME_FILE)} at step ${point.state.step}`;
    return { out, settings, data, spec, params: checkpoint.params, best: point.best, rng, state: point.state, moments: point.moments, ema: point.ema, choice, claim, savedStep: point.state.step, start };
  } catch (e) {
    claim.release();
    throw e;
  }
}

/** A logit that cannot see a whole item is a model that cannot learn where long items end: said once, on stderr. */
function warnShortField(spec: ResolvedSpec, words: number[][], file: string): void {
  const longest = longestWord(words);
  if (spec.receptiveField > longest) return;
  process.stderr.write(`warning: the model's receptive field is ${spec.receptiveField} characters, but the longest item in ${file} has ${longest} (and its end '.'): the model sees only part of it\n`);
}

/** Trains to the end or to a stop signal; the exit status (0, or 130/143 when a signal stopped it). */
async function trainRun(run: OpenRun, samples: number): Promise<number> {
  const { out, settings, data, spec, params, rng, state, choice } = run;
  const optimizer = new Optimizer(settings.optimizer, choice.ops);
  optimizer.restore(run.moments);
  const decay = settings.ema ?? 0;
  if (decay > 0 && state.step > 0 && run.ema.size === 0) throw new UsageError(`${join(out, RESUME_FILE)} holds no weight average (ema.*) for --ema ${decay}`);
  const ema = decay > 0 ? new WeightAverage(decay, params, run.ema) : null;
  const stored = { run: settings };
  const dev = settings.evalWords > 0 ? data.words.val.slice(0, settings.evalWords) : data.words.val;
  const progress = new Progress(settings.steps, state.step, settings.minutes === null ? Infinity : settings.minutes * 60 - state.seconds);
  warnShortField(spec, data.words.train, settings.data);
  progress.log(
    `${run.start}: ${params.count().toLocaleString('en-US')} parameters, ${data.words.train.length} train / ${data.words.val.length} dev words from ${settings.data} ` +
      `(evaluating on ${dev.length}); ${choice.description}`,
  );

  let best = run.best;
  let savedStep = run.savedStep;
  let evaluated: { point: EvalPoint; isBest: boolean } | null = null; // reported once saved
  const signals = new StopSignals(
    (signal) => progress.log(`interrupted (${signal}): saving the run, then stopping (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again to quit now)`),
    (status) => {
      run.claim.release();
      process.exit(status);
    },
  );
  const trainOptions = {
    steps: settings.steps,
    batchSize: settings.batch,
    optimizer: settings.optimizer,
    evalEvery: settings.evalEvery,
    maxSeconds: settings.minutes === null ? undefined : settings.minutes * 60,
    divergenceFactor: settings.divergenceFactor,
    ema: ema ?? undefined,
  };
  try {
    await train(choice.engine, params, optimizer, rng, dev, trainOptions, state, {
      onStep: (s) => progress.update(s.step, s.loss, s.targets),
      onEval: (point, isBest) => {
        evaluated = { point, isBest };
        if (isBest) best = ema ? ema.averaged(params, point.step) : params.clone();
      },
      onCheckpoint: (s) => {
        const line = evaluated && `step ${evaluated.point.step}: dev loss ${evaluated.point.loss.toFixed(4)}`;
        const isBest = evaluated?.isBest ?? false;
        evaluated = null;
        try {
          saveRun(out, { params, best, vocab: data.vocab, spec: spec.spec, settings: stored, state: s, rng, optimizer, ema });
        } catch (e) {
          if (line) progress.log(`${line}${isBest ? ' (best; not saved)' : ''}`);
          throw e;
        }
        savedStep = s.step;
        // "saved" only now that every file of the commit is renamed into place
        if (line) progress.log(`${line}${isBest ? ` (best, saved ${join(out, MODEL_FILE)})` : ''}`);
      },
      shouldStop: () => signals.stopped,
    });
  } catch (e) {
    if (!(e instanceof DivergenceError)) throw e;
    const saved = savedStep === null ? 'nothing was saved yet' : `${join(out, RESUME_FILE)} holds step ${savedStep}`;
    throw new UsageError(`${e.message} (${saved}; try a lower --lr${settings.divergenceFactor > 0 && Number.isFinite(e.loss) ? ', or a larger --divergence-factor' : ''})`);
  } finally {
    signals.dispose();
    progress.end();
  }
  report(out, state, settings, signals.stopped);
  if (!signals.stopped) printSamples(ema ? ema.averaged(params, state.step) : params, spec, data.vocab.chars, samples, settings.seed);
  return signals.exitStatus;
}

function report(out: string, state: TrainState, settings: RunSettings, stopped: boolean): void {
  const tail = state.losses.slice(-1000);
  const recent = tail.reduce((a, b) => a + b, 0) / Math.max(1, tail.length);
  const lines = [
    `${stopped ? 'stopped' : 'done'} at step ${state.step}/${settings.steps} in ${formatDuration(state.seconds)}${stopped ? ' (saved: --resume continues it)' : ''}`,
    `train loss (mean of the last ${tail.length} steps) ${recent.toFixed(4)}; best dev loss ${state.best?.loss.toFixed(4) ?? 'n/a'} at step ${state.best?.step ?? 'n/a'}`,
    `run directory ${out}: ${MODEL_FILE}, ${RESUME_FILE}, ${LOSS_PLOT_FILE}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

/** A name cut at SAMPLE_LENGTH characters ends in '…'. */
function printSamples(params: ParamSet, spec: ResolvedSpec, chars: string[], count: number, seed: number): void {
  if (count === 0) return;
  // the training ops are closed by now: a few names on the reference ops, from a copy of the parameters
  const generator = new BatchedGenerator(new StepModel(params.clone(), spec, referenceOps, count), { ...plainSpec(seed), maxChars: SAMPLE_LENGTH });
  const names = firstNames(generator, count).map((name) => name.map((i) => chars[i]).join('') + (name.length === SAMPLE_LENGTH ? '…' : ''));
  process.stdout.write(`samples: ${names.join(', ')}\n`);
}
