// makemore sample: new names from a checkpoint — many at once, filtered to what was asked for.

import { MAX_POSITIONS } from '../../kernels/spec.ts';
import { ConvModel } from '../models/conv.ts';
import { StepModel } from '../models/step.ts';
import { referenceOps } from '../engine/reference-ops.ts';
import type { Vocab } from '../data/vocab.ts';
import { DEFAULT_MAX_CHARS, type CandidateSource, type NameSpec } from '../generate/candidates.ts';
import { BatchedGenerator } from '../generate/batched.ts';
import { naiveSource } from '../generate/naive.ts';
import { selectNames, type NameRules } from '../generate/selection.ts';
import type { LoadedCheckpoint } from '../io/checkpoint.ts';
import { choiceOption, intOption, numberOption, parse, stringOption, UsageError, type OptionSpec } from './args.ts';
import { checkpointFrom, DEFAULT_CHECKPOINT } from './checkpoint-options.ts';
import { DEFAULT_DATA, loadDataset } from './dataset.ts';
import { BACKEND_HELP, BACKEND_OPTIONS, openChosenOps } from './engine-choice.ts';
import { nameOutput } from './name-output.ts';

const DEFAULT_BATCH = 256;
/** --max-tries by default: this many candidates per name asked for, and never fewer than MIN_TRIES. */
const TRIES_PER_NAME = 10;
const MIN_TRIES = 10_000;

export const SAMPLE_HELP = `makemore sample — generate names from a checkpoint

  --checkpoint FILE    (default ${DEFAULT_CHECKPOINT})
  --num N              how many names (default 20)
  --seed N             (default 42): the same seed gives the same names with either generator and any --batch
  --temperature T      > 0 (default 1); lower is more conservative
  --top-k K            sample among the K most likely characters only (default 0: all)
  --prefix TEXT        names that start with TEXT (the model continues it)
  --min-len N          only names of at least N characters (default 1)
  --max-len N          only names of at most N characters (default: any, up to --max-length)
  --unique             no name twice
  --new                no name that is in --data FILE (any split): only names the model made up
  --data FILE          the names --new leaves out (default ${DEFAULT_DATA})
  --max-tries N        draw at most N candidates (default ${TRIES_PER_NAME} × --num, at least ${MIN_TRIES.toLocaleString('en-US')}); fewer names
                       than --num pass the filters in that many: prints those, says so on stderr, exit status 1
  --generator cached|naive  cached (default): --batch names at once, one node per layer per character
                       (Fast WaveNet) on the conv engine's ops; naive: the whole model on the last receptive
                       field for every character, one name at a time, as the lecture (the same names)
  --batch B            names in flight at once with --generator cached (default ${DEFAULT_BATCH})
${BACKEND_HELP}  --max-length N       stop a name after N characters (default ${DEFAULT_MAX_CHARS}); such a name ends in "…"
  --mark-train FILE    mark names found in FILE's training split (the lecture's split) with " *"
  --out FILE           write the names to FILE (whole, or not at all) instead of stdout
  --json               print {"samples": [...], "truncated": [...], "tries": N} (with --mark-train also "in_train": [...])

Names go to stdout one per line as they are made, so a large --num streams. Name i of a run draws
from its own random stream, seeded from (--seed, i): Python's random.seed(seed · 2^32 + i).
`;

const OPTIONS: OptionSpec = {
  checkpoint: { type: 'string' },
  num: { type: 'string' },
  seed: { type: 'string' },
  temperature: { type: 'string' },
  'top-k': { type: 'string' },
  prefix: { type: 'string' },
  'min-len': { type: 'string' },
  'max-len': { type: 'string' },
  unique: { type: 'boolean' },
  new: { type: 'boolean' },
  data: { type: 'string' },
  'max-tries': { type: 'string' },
  generator: { type: 'string' },
  batch: { type: 'string' },
  ...BACKEND_OPTIONS,
  'max-length': { type: 'string' },
  'mark-train': { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean' },
};

type Values = Record<string, string | boolean | undefined>;

/** Exit status 1 when fewer than --num names passed the filters within --max-tries. */
export async function sampleCommand(argv: string[]): Promise<number> {
  const v = parse('sample', argv, OPTIONS);
  if (v.help) {
    process.stdout.write(SAMPLE_HELP);
    return 0;
  }
  const { checkpoint } = checkpointFrom(v);
  const { vocab } = checkpoint;
  const num = intOption(v, 'num', 20);
  const maxTries = intOption(v, 'max-tries', Math.max(TRIES_PER_NAME * num, MIN_TRIES), num);
  const rules = nameRules(v, vocab);
  const maxChars = intOption(v, 'max-length', DEFAULT_MAX_CHARS);
  const spec = nameSpec(v, vocab, maxChars, rules.maxLength);
  const markFile = stringOption(v, 'mark-train', '');
  const marked = markFile ? { names: new Set(loadDataset(markFile, vocab).text.train), file: markFile } : null;
  const output = nameOutput({ json: v.json === true, file: typeof v.out === 'string' ? v.out : null, marked, maxLength: maxChars });
  const { source, close } = await candidateSource(v, checkpoint, spec);
  try {
    const { found, tries } = selectNames(source, (chars) => vocab.decode(chars), rules, { num, maxTries }, (name, c) => output.add(name, c.chars.length >= maxChars));
    output.finish(tries);
    if (found === num) return 0;
    process.stderr.write(`makemore sample: found ${found} of ${num} names in ${tries.toLocaleString('en-US')} candidates (--max-tries); relax the filters or raise --max-tries\n`);
    return 1;
  } finally {
    close();
  }
}

// maxChars: --max-length, where a name is cut; maxLen: --max-len, the longest name kept
function nameSpec(v: Values, vocab: Vocab, maxChars: number, maxLen: number): NameSpec {
  const prefix = encodePrefix(stringOption(v, 'prefix', ''), vocab);
  if (prefix.length >= maxChars) throw new UsageError(`--prefix has ${prefix.length} characters: it must be shorter than --max-length (${maxChars})`);
  if (prefix.length > maxLen) throw new UsageError(`--prefix has ${prefix.length} characters, more than --max-len ${maxLen}`);
  const topK = intOption(v, 'top-k', 0, 0);
  if (topK > vocab.size) throw new UsageError(`--top-k must be at most the vocabulary size (${vocab.size}), got ${topK}`);
  return {
    seed: intOption(v, 'seed', 42, 0),
    sampling: { temperature: numberOption(v, 'temperature', 1), topK },
    prefix,
    // a name still going past --max-len is dropped as soon as it is too long, not drawn to the end
    maxChars: Math.min(maxChars, maxLen + 1),
  };
}

function encodePrefix(prefix: string, vocab: Vocab): number[] {
  const bad = [...prefix].find((c) => c === '.' || !vocab.has(c));
  if (bad !== undefined) throw new UsageError(`--prefix "${prefix}": character ${JSON.stringify(bad)} is not in the model's vocabulary (${vocab.chars.slice(1).join('')})`);
  return vocab.encode(prefix);
}

function nameRules(v: Values, vocab: Vocab): NameRules {
  const minLength = intOption(v, 'min-len', 1, 0);
  const maxLength = intOption(v, 'max-len', Number.MAX_SAFE_INTEGER);
  if (minLength > maxLength) throw new UsageError(`--min-len ${minLength} is more than --max-len ${maxLength}`);
  if (v.data !== undefined && !v.new) throw new UsageError('--data names the file --new leaves out: give --new with it');
  const exclude = v.new ? new Set(Object.values(loadDataset(stringOption(v, 'data', DEFAULT_DATA), vocab).text).flat()) : new Set<string>();
  return { minLength, maxLength, unique: v.unique === true, exclude };
}

async function candidateSource(v: Values, checkpoint: LoadedCheckpoint, spec: NameSpec): Promise<{ source: CandidateSource; close(): void }> {
  const { params, spec: model } = checkpoint;
  const kind = choiceOption(v, 'generator', ['cached', 'naive'] as const, 'cached');
  if (kind === 'naive') {
    const ignored = ['batch', 'backend', 'threads'].filter((name) => v[name] !== undefined);
    if (ignored.length) throw new UsageError(`${ignored.map((n) => `--${n}`).join(', ')}: only --generator cached runs on the ops`);
    return { source: naiveSource(new ConvModel(params, model, referenceOps), spec), close: () => {} };
  }
  const batch = intOption(v, 'batch', DEFAULT_BATCH);
  if (batch > MAX_POSITIONS) throw new UsageError(`--batch must be at most ${MAX_POSITIONS} (the kernels' cap on rows), got ${batch}`);
  const { ops } = await openChosenOps(v);
  return { source: new BatchedGenerator(new StepModel(params, model, ops, batch), spec), close: () => ops.destroy() };
}
