// npm run bench [-- OPTIONS]; npm run bench -- --help lists them (declared once, below).
// The full run: throughput of the conv engine on every gpu.js backend against the tree form and
// PyTorch, plus forward-only, generation, node counts, hot-kernel GFLOP/s, peak memory, and generation
// as a user meets it (sample-cli.ts). Prints a table; with --json the report also follows as one JSON
// object on the last line. Progress goes to stderr.
// --lecture-rounds: only the lecture's training against PyTorch's nn.Conv1d, side by side in rounds
// (lecture-rounds.ts); --time-to-dev X: wall time to a dev loss, ours and PyTorch's, the lecture preset's or with
// --wavenet-recipe the WaveNet recipe's (time-to-dev.ts); --sample-cli: only the CLI-against-PyTorch
// sampling section; --wavenet-recipe: only the WaveNet recipe's training, ours against PyTorch
// (wavenet-recipe.ts).
// Keys: conv/<webasm|cpu|…|reference>, tree/ts (the tree form in plain TypeScript), torch/conv, torch/tree.

import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { optionsHelp, readOption, type OptionTable } from '../src/options/declare.ts';
import { PRESETS } from '../src/presets/registry.ts';
import { runBench } from './run.ts';
import { formatLectureRounds, formatReport, formatSampleCli, formatWavenetRecipe } from './format.ts';
import { lectureRoundsBudgets, runLectureRounds } from './lecture-rounds.ts';
import { formatTimeToDev, TIME_TO_DEV_SCHEDULE, timeToDev } from './time-to-dev.ts';
import { runSampleCli } from './sample-cli.ts';
import { recipeBudgets, runWavenetRecipe } from './wavenet-recipe.ts';
import { convBackends } from './backends.ts';
import { enableRelaxedSimd } from '../src/engine/node-relaxed-simd.ts';
import { FULL, QUICK } from './budgets.ts';
import { lectureFixture, type ModelSelection } from './setup.ts';

const OPTIONS = {
  help: { type: 'boolean', help: 'print this and exit' },
  quick: { type: 'boolean', help: 'shorter budgets (about a minute; --sample-cli: 2,000 names, PyTorch loop cut at 15 s)' },
  json: { type: 'boolean', help: 'also print the report as one JSON object on the last line' },
  'no-torch': { type: 'boolean', help: 'leave PyTorch out (reported as skipped)' },
  'sample-cli': { type: 'boolean', help: 'only generation as a user meets it: `makemore sample` against PyTorch, whole processes (also in the full run)' },
  'wavenet-recipe': { type: 'boolean', help: 'only the WaveNet recipe\'s training (`makemore train --model wavenet --channels 96 --n-embd 32 --norm layernorm --dropout 0.4 --optimizer adamw --batch 64`) against PyTorch on 1 and 2 threads, with the step by op, the kernels against the multiply-add ceiling and a first-step loss check (also in the full run); with --time-to-dev: that recipe\'s time to the dev loss' },
  'lecture-rounds': { type: 'boolean', help: 'only the lecture model\'s training against PyTorch\'s nn.Conv1d model, side by side in rounds on 1 thread and every core at 32 and 64 words a step (also in the full run)' },
  num: { type: 'int', min: 1, help: 'names per process in the sample-cli section (default 20,000; --quick 2,000)' },
  model: { type: 'choice', choices: Object.keys(PRESETS), help: 'the model of the training, forward, kernel and generation sections, with its preset options below (default lecture)' },
  spec: { type: 'string', arg: 'FILE', help: 'the same model as a spec file (JSON) instead of a preset' },
  'time-to-dev': { type: 'number', above: 0, arg: 'LOSS', help: `only the wall time to this dev loss (e.g. 2.00), ours and PyTorch's from the same initial weights (AdamW, at most ${TIME_TO_DEV_SCHEDULE.steps} steps, the whole dev split every ${TIME_TO_DEV_SCHEDULE.evalEvery}): the lecture preset, or with --wavenet-recipe the WaveNet recipe` },
  threads: { type: 'int', min: 1, help: 'our threads for --time-to-dev (default: this machine\'s cores)' },
  'torch-threads': { type: 'int', min: 1, help: 'PyTorch\'s threads for --time-to-dev (default: --threads); --threads 2 --torch-threads 1 races each side\'s best on this machine' },
} as const satisfies OptionTable;

// every preset's options, parsed as strings here and checked against the chosen preset's declarations
const PRESET_OPTIONS = [...new Set(Object.values(PRESETS).flatMap((p) => Object.keys(p.options)))];

const HELP =
  `npm run bench [-- OPTIONS]\n\n${optionsHelp(OPTIONS)}\nPreset options (with --model):\n` +
  Object.entries(PRESETS)
    .map(([name, p]) => `  ${name}:\n${optionsHelp(p.options).replace(/^ {2}/gm, '    ')}`)
    .join('');

// as the CLI: the kernels' relaxed-SIMD build runs where this Node can (Node 20: behind a V8 flag)
enableRelaxedSimd();

const { values: raw } = parseArgs({
  options: Object.fromEntries([...Object.entries(OPTIONS).map(([name, d]) => [name, { type: d.type === 'boolean' ? 'boolean' : 'string' }] as const), ...PRESET_OPTIONS.map((name) => [name, { type: 'string' }] as const)]),
});
if (raw.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const value = <K extends keyof typeof OPTIONS>(name: K) => readOption(name, OPTIONS[name], raw[name] as string | boolean | undefined);

const log = (line: string) => console.error(`[bench] ${line}`);
const quick = value('quick') as boolean;
const torch = !(value('no-torch') as boolean);
const budgets = quick ? QUICK : FULL;
// a bad option is one line, before any work
const { names, model, target, threads, torchThreads } = (() => {
  try {
    return {
      names: (value('num') as number | undefined) ?? budgets.sampleCliNames,
      model: modelSelection(),
      target: value('time-to-dev') as number | undefined,
      threads: value('threads') as number | undefined,
      torchThreads: value('torch-threads') as number | undefined,
    };
  } catch (e) {
    console.error(`npm run bench: ${(e as Error).message} (--help lists the options)`);
    process.exit(2);
  }
})();

if (target !== undefined) {
  const report = await timeToDev(target, { model: raw['wavenet-recipe'] ? 'wavenet-recipe' : 'lecture', threads, torchThreads, torch, log });
  console.log(formatTimeToDev(report));
  if (raw.json) console.log(JSON.stringify(report));
  process.exit(0);
}

if (raw['sample-cli']) {
  const report = await runSampleCli({ names, trainSteps: budgets.generationTrainSteps, torchLoopS: budgets.sampleCliTorchLoopS, torch, backend: convBackends().backends[0], log });
  console.log(formatSampleCli(report));
  if (raw.json) console.log(JSON.stringify(report));
  process.exit(0);
}

if (raw['lecture-rounds']) {
  const fx = lectureFixture();
  const report = await runLectureRounds({ fx, lecture: fx.lecture, budgets: lectureRoundsBudgets(budgets), torch, log });
  console.log(formatLectureRounds(report));
  if (raw.json) console.log(JSON.stringify(report));
  process.exit(0);
}

if (raw['wavenet-recipe']) {
  const report = await runWavenetRecipe({ budgets: recipeBudgets(budgets), torch, log });
  console.log(formatWavenetRecipe(report));
  if (raw.json) console.log(JSON.stringify(report));
  process.exit(0);
}

const report = await runBench({ quick, torch, model, sampleCli: names, wavenetRecipe: true, log });
console.log(formatReport(report));
if (raw.json) console.log(JSON.stringify(report));

/** --model NAME with its preset's options, or --spec FILE; the lecture preset by default. */
function modelSelection(): ModelSelection {
  const given = PRESET_OPTIONS.filter((name) => raw[name] !== undefined);
  if (raw.spec !== undefined) {
    if (raw.model !== undefined || given.length) throw new Error(`--spec describes the whole model: leave out ${raw.model !== undefined ? '--model' : `--${given[0]}`}`);
    if (!existsSync(raw.spec as string)) throw new Error(`--spec ${raw.spec}: no such file`);
    return { specFile: raw.spec as string };
  }
  const preset = (value('model') as string | undefined) ?? 'lecture';
  if (raw.model === undefined && given.length) throw new Error(`--${given[0]} is a preset option: give --model too`);
  const { options } = PRESETS[preset];
  const misplaced = given.find((name) => !Object.hasOwn(options, name));
  if (misplaced) throw new Error(`--${misplaced} is not an option of --model ${preset}`);
  return { preset, values: Object.fromEntries(given.map((name) => [name, readOption(name, options[name], raw[name] as string)])) };
}
