// makemore eval: the mean loss of a checkpoint on one split of a data file.

import { SPLIT_NAMES } from '../data/split.ts';
import { optionsHelp, type OptionTable } from '../options/declare.ts';
import { parseCommand } from './args.ts';
import { DEFAULT_DATA, loadDataset, requireSplits } from './dataset.ts';
import { BACKEND_OPTIONS, backendRequest, chooseEngine, ENGINE_OPTIONS } from './engine-choice.ts';
import { CHECKPOINT_OPTIONS, checkpointFrom } from './checkpoint-options.ts';

const OWN_OPTIONS = {
  ...CHECKPOINT_OPTIONS,
  data: { type: 'string', arg: 'FILE', default: DEFAULT_DATA, help: 'split 80/10/10 as the lecture (seed 42)' },
  split: { type: 'choice', choices: SPLIT_NAMES, default: 'val', help: 'the split to evaluate' },
  ...ENGINE_OPTIONS,
} as const satisfies OptionTable;

const JSON_OPTION = {
  json: { type: 'boolean', help: 'print one JSON object: {"split", "loss", "targets", "words", "data", "engine", "checkpoint"}' },
} as const satisfies OptionTable;

/** Every option of `makemore eval`. */
export const EVAL_OPTIONS = { ...OWN_OPTIONS, ...BACKEND_OPTIONS, ...JSON_OPTION } as const satisfies OptionTable;

export const EVAL_HELP = `makemore eval — mean cross-entropy of a checkpoint on a split (eval-mode BatchNorm); either
engine gives the same loss

${optionsHelp(OWN_OPTIONS)}${optionsHelp(BACKEND_OPTIONS)}${optionsHelp(JSON_OPTION)}`;

export async function evalCommand(argv: string[]): Promise<void> {
  const parsed = parseCommand('eval', argv, EVAL_OPTIONS);
  if (parsed.help) return void process.stdout.write(EVAL_HELP);
  const { values: v, given } = parsed;
  const { split, engine: engineName } = v;
  const { file, checkpoint } = checkpointFrom(v.checkpoint);
  const data = loadDataset(v.data, checkpoint.vocab);
  requireSplits(data, [split], `eval --split ${split}`);
  const words = data.words[split];
  const choice = await chooseEngine(engineName, checkpoint.params, checkpoint.spec, [], backendRequest(v, given));
  try {
    const { loss, targets } = choice.engine.evaluate(words);
    const result = { split, loss, targets, words: words.length, data: data.file, engine: engineName, checkpoint: file };
    process.stdout.write(v.json ? `${JSON.stringify(result)}\n` : `${split} loss ${loss.toFixed(4)} over ${targets} targets (${words.length} words of ${data.file}), ${choice.description}\n`);
  } finally {
    choice.close();
  }
}
