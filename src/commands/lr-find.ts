// makemore lr-find: the lecture's learning-rate finder — one short run with lr = 10^e, e swept
// linearly from −3 to 0, and the loss plotted against e.

import { join } from 'node:path';
import { PythonRandom } from '../rng.ts';
import { initParams } from '../spec/init.ts';
import { Optimizer } from '../train/optimizer.ts';
import { lineChart } from '../plot/svg.ts';
import { writeFileAtomic } from '../io/atomic-file.ts';
import { makeDirectory } from '../io/make-directory.ts';
import { MAX_POSITIONS } from '../../kernels/spec.ts';
import { optionsHelp, type OptionTable } from '../options/declare.ts';
import { parseCommand, UsageError } from './args.ts';
import { MODEL_HELP, MODEL_OPTIONS, modelChoice, modelSpec } from './model-options.ts';
import { DEFAULT_DATA, loadDataset, requireSplits } from './dataset.ts';
import { BACKEND_OPTIONS, backendRequest, chooseEngine, ENGINE_OPTIONS } from './engine-choice.ts';
import { checkStepFits } from './limits.ts';
import { Progress } from './progress.ts';

const MAX_STEPS = 1_000_000;
const SMOOTHING = 0.05; // fraction of the sweep averaged around each point before taking the minimum

const OWN_OPTIONS = {
  data: { type: 'string', arg: 'FILE', default: DEFAULT_DATA, help: 'training text, one item per line (its training split is used)' },
  out: { type: 'string', arg: 'DIR', default: 'out', help: 'where lr-find.svg goes' },
  steps: { type: 'int', min: 2, max: MAX_STEPS, default: 1000, help: 'sweep length' },
  ...ENGINE_OPTIONS,
  batch: { type: 'int', min: 2, max: MAX_POSITIONS, default: 32, help: 'words per batch (conv) or windows per batch (tree)' },
  seed: { type: 'int', min: 0, default: 42, help: 'initialisation and batches' },
} as const satisfies OptionTable;

/** Every option of `makemore lr-find`. */
export const LR_FIND_OPTIONS = { ...OWN_OPTIONS, ...MODEL_OPTIONS, ...BACKEND_OPTIONS } as const satisfies OptionTable;

export const LR_FIND_HELP = `makemore lr-find — loss against learning rate over one sweep of plain SGD at lr = 10^e, e from −3
to 0 (writes lr-find.svg), and the learning rate where the smoothed loss is lowest

${optionsHelp(OWN_OPTIONS)}${MODEL_HELP}${optionsHelp(BACKEND_OPTIONS)}`;

export async function lrFindCommand(argv: string[]): Promise<void> {
  const parsed = parseCommand('lr-find', argv, LR_FIND_OPTIONS);
  if (parsed.help) return void process.stdout.write(LR_FIND_HELP);
  const { values: v, given } = parsed;
  const { steps, batch, engine: engineName, data: dataFile, out } = v;
  const data = loadDataset(dataFile);
  requireSplits(data, ['train'], 'lr-find');
  const spec = modelSpec(modelChoice(v, given), data.vocab.size);
  checkStepFits(engineName, spec, batch, data.words.train, dataFile);
  makeDirectory(out, '--out'); // before the sweep, not after it
  const rng = new PythonRandom(v.seed);
  const params = initParams(spec, rng);
  const choice = await chooseEngine(engineName, params, spec, data.words.train, backendRequest(v, given), { batch, file: dataFile });
  const optimizer = new Optimizer({ name: 'sgd', lr: 0, decayAt: 1, weightDecay: 0 }, choice.ops);
  const grads = choice.engine.newGrads();
  const exponents: number[] = [];
  const losses: number[] = [];
  const progress = new Progress(steps, 0);
  progress.log(`sweeping lr from 1e-3 to 1 over ${steps} steps; ${choice.description}`);
  try {
    for (let i = 0; i < steps; i++) {
      const e = -3 + (3 * i) / (steps - 1);
      choice.engine.clearGrads(grads);
      const { loss, targets } = choice.engine.step(rng, batch, grads);
      if (!Number.isFinite(loss)) break; // past the point of divergence the curve says nothing more
      optimizer.step(params, grads, 10 ** e, i);
      exponents.push(e);
      losses.push(loss);
      progress.update(i + 1, loss, targets);
    }
  } finally {
    progress.end();
    choice.close();
  }
  if (losses.length === 0) throw new UsageError('the loss was not finite at the first step, at lr 1e-3: nothing to plot');
  const best = suggestedExponent(exponents, losses);
  const file = join(out, 'lr-find.svg');
  const svg = lineChart({ title: 'learning-rate finder: loss at lr = 10^e', xLabel: 'e (log10 learning rate)', yLabel: 'loss', series: [{ name: 'training loss', points: exponents.map((e, i): [number, number] => [e, losses[i]]) }] });
  writeFileAtomic(file, new TextEncoder().encode(svg));
  process.stdout.write(`lowest smoothed loss at e = ${best.toFixed(2)}: suggested learning rate ${(10 ** best).toPrecision(2)} (${file}, ${choice.description})\n`);
}

/** The exponent where the moving average of the loss is lowest. */
export function suggestedExponent(exponents: number[], losses: number[]): number {
  const half = Math.max(1, Math.round((SMOOTHING * losses.length) / 2));
  let best = 0;
  let bestLoss = Infinity;
  for (let i = 0; i < losses.length; i++) {
    const window = losses.slice(Math.max(0, i - half), i + half + 1);
    const mean = window.reduce((a, b) => a + b, 0) / window.length;
    if (mean < bestLoss) [best, bestLoss] = [i, mean];
  }
  return exponents[best];
}
