// makemore eval: the mean loss of a checkpoint on one split of a data file.

import { SPLIT_NAMES, type SplitName } from '../data/split.ts';
import type { EngineName } from '../train/engines.ts';
import { choiceOption, parse, stringOption, type OptionSpec } from './args.ts';
import { DEFAULT_DATA, loadDataset, requireSplits } from './dataset.ts';
import { BACKEND_HELP, BACKEND_OPTIONS, chooseEngine } from './engine-choice.ts';
import { checkpointFrom, DEFAULT_CHECKPOINT } from './checkpoint-options.ts';

export const EVAL_HELP = `makemore eval — mean cross-entropy of a checkpoint on a split (eval-mode BatchNorm)

  --checkpoint FILE    (default ${DEFAULT_CHECKPOINT}); a PyTorch-trained file with the same tensor names loads too
  --data FILE          (default ${DEFAULT_DATA}); split 80/10/10 as the lecture (seed 42)
  --split train|val|test  (default val)
  --engine conv|tree   (default conv; both give the same loss)
${BACKEND_HELP}  --json               print one JSON object: {"split", "loss", "targets", "words", "data", "engine", "checkpoint"}
`;

const OPTIONS: OptionSpec = {
  checkpoint: { type: 'string' },
  data: { type: 'string' },
  split: { type: 'string' },
  engine: { type: 'string' },
  ...BACKEND_OPTIONS,
  json: { type: 'boolean' },
};

export async function evalCommand(argv: string[]): Promise<void> {
  const v = parse('eval', argv, OPTIONS);
  if (v.help) return void process.stdout.write(EVAL_HELP);
  const split = choiceOption<SplitName>(v, 'split', SPLIT_NAMES, 'val');
  const engineName = choiceOption<EngineName>(v, 'engine', ['conv', 'tree'], 'conv');
  const { file, checkpoint } = checkpointFrom(v);
  const data = loadDataset(stringOption(v, 'data', DEFAULT_DATA), checkpoint.vocab);
  requireSplits(data, [split], `eval --split ${split}`);
  const words = data.words[split];
  const choice = await chooseEngine(engineName, checkpoint.params, checkpoint.spec, [], v);
  try {
    const { loss, targets } = choice.engine.evaluate(words);
    const result = { split, loss, targets, words: words.length, data: data.file, engine: engineName, checkpoint: file };
    process.stdout.write(v.json ? `${JSON.stringify(result)}\n` : `${split} loss ${loss.toFixed(4)} over ${targets} targets (${words.length} words of ${data.file}), ${choice.description}\n`);
  } finally {
    choice.close();
  }
}
