// makemore sample: new names from a checkpoint.

import { PythonRandom } from '../rng.ts';
import { TreeModel } from '../models/tree.ts';
import { CachedGenerator } from '../generate/cached.ts';
import { generateNaive } from '../generate/naive.ts';
import { choiceOption, intOption, numberOption, parse, stringOption, type OptionSpec } from './args.ts';
import { checkpointFrom, DEFAULT_CHECKPOINT } from './checkpoint-options.ts';
import { loadDataset } from './dataset.ts';

export const SAMPLE_HELP = `makemore sample — generate names from a checkpoint

  --checkpoint FILE    (default ${DEFAULT_CHECKPOINT})
  --num N              how many names (default 20)
  --seed N             (default 42): same seed, same names, with either generator
  --temperature T      > 0 (default 1); lower is more conservative
  --top-k K            sample among the K most likely characters only (default 0: all)
  --generator cached|naive  cached: one node per layer per character (Fast WaveNet, default);
                       naive: the whole model on the last block for every character, as the lecture
  --max-length N       stop a name after N characters (default 50); such a name ends in "…"
                       (in --json: "truncated": true at its index)
  --mark-train FILE    mark names found in FILE's training split (the lecture's split) with " *"
  --json               print {"samples": [...], "truncated": [...]} (with --mark-train also "in_train": [...])
`;

const OPTIONS: OptionSpec = {
  checkpoint: { type: 'string' },
  num: { type: 'string' },
  seed: { type: 'string' },
  temperature: { type: 'string' },
  'top-k': { type: 'string' },
  generator: { type: 'string' },
  'max-length': { type: 'string' },
  'mark-train': { type: 'string' },
  json: { type: 'boolean' },
};

export function sampleCommand(argv: string[]): void {
  const v = parse('sample', argv, OPTIONS);
  if (v.help) return void process.stdout.write(SAMPLE_HELP);
  const { checkpoint } = checkpointFrom(v);
  const { params, config, vocab } = checkpoint;
  const opts = { temperature: numberOption(v, 'temperature', 1), topK: intOption(v, 'top-k', 0, 0) };
  const maxLength = intOption(v, 'max-length', 50);
  const rng = new PythonRandom(intOption(v, 'seed', 42, 0));
  const generator = choiceOption(v, 'generator', ['cached', 'naive'] as const, 'cached');
  let next: () => number[];
  if (generator === 'cached') {
    const cached = new CachedGenerator(params, config);
    next = () => cached.generate(rng, opts, maxLength);
  } else {
    const tree = TreeModel.hierarchical(params, config);
    next = () => generateNaive(tree, rng, opts, maxLength);
  }
  const generated = Array.from({ length: intOption(v, 'num', 20) }, next);
  const samples = generated.map((s) => vocab.decode(s));
  const truncated = generated.map((s) => s.length >= maxLength); // the generator stopped before drawing the end token
  const markFile = stringOption(v, 'mark-train', '');
  const train = markFile ? new Set(loadDataset(markFile, vocab).text.train) : null;
  const inTrain = train ? samples.map((s) => train.has(s)) : null;
  if (v.json) {
    process.stdout.write(`${JSON.stringify(inTrain ? { samples, truncated, in_train: inTrain } : { samples, truncated })}\n`);
    return;
  }
  process.stdout.write(samples.map((s, i) => `${s}${truncated[i] ? '…' : ''}${inTrain?.[i] ? ' *' : ''}`).join('\n') + '\n');
  if (truncated.some(Boolean)) process.stdout.write(`(… = cut at --max-length ${maxLength})\n`);
  if (inTrain) process.stdout.write(`(* = in the training split of ${markFile}: ${inTrain.filter(Boolean).length} of ${samples.length})\n`);
}
