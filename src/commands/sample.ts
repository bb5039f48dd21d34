// makemore sample: new names from a checkpoint.

import { PythonRandom } from '../rng.ts';
import { generatorFor } from '../generate/for-model.ts';
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
                       naive: the whole model on the last block (receptive field) for every character, as the lecture
  --max-length N       stop a name after N characters (default 50)
  --mark-train FILE    mark names found in FILE's training split (the lecture's split) with " *"
  --json               print {"samples": [...]} (with --mark-train also "in_train": [...])
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
  const generate = generatorFor(params, config, generator);
  const next = () => generate(rng, opts, maxLength);
  const samples = Array.from({ length: intOption(v, 'num', 20) }, () => vocab.decode(next()));
  const markFile = stringOption(v, 'mark-train', '');
  const train = markFile ? new Set(loadDataset(markFile, vocab).text.train) : null;
  const inTrain = train ? samples.map((s) => train.has(s)) : null;
  if (v.json) {
    process.stdout.write(`${JSON.stringify(inTrain ? { samples, in_train: inTrain } : { samples })}\n`);
    return;
  }
  process.stdout.write(samples.map((s, i) => (inTrain?.[i] ? `${s} *` : s)).join('\n') + '\n');
  if (inTrain) process.stdout.write(`(* = in the training split of ${markFile}: ${inTrain.filter(Boolean).length} of ${samples.length})\n`);
}
