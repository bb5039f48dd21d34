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
import { optionsHelp, type OptionTable, type OptionValues } from '../options/declare.ts';
import { parseCommand, UsageError } from './args.ts';
import { CHECKPOINT_OPTIONS, checkpointFrom } from './checkpoint-options.ts';
import { DEFAULT_DATA, loadDataset } from './dataset.ts';
import { BACKEND_OPTIONS, backendRequest, openChosenOps } from './engine-choice.ts';
import { nameOutput } from './name-output.ts';

/** --max-tries by default: this many candidates per name asked for, and never fewer than MIN_TRIES. */
const TRIES_PER_NAME = 10;
const MIN_TRIES = 10_000;

const OWN_OPTIONS = {
  ...CHECKPOINT_OPTIONS,
  num: { type: 'int', min: 1, default: 20, help: 'how many names' },
  seed: { type: 'int', min: 0, default: 42, help: 'the same seed gives the same names with either generator and any --batch' },
  temperature: { type: 'number', above: 0, default: 1, arg: 'T', help: 'lower is more conservative' },
  'top-k': { type: 'int', min: 0, default: 0, arg: 'K', help: 'sample among the K most likely characters only (0: all)' },
  prefix: { type: 'string', help: 'names that start with TEXT (the model continues it)' },
  'min-len': { type: 'int', min: 0, default: 1, help: 'only names of at least N characters' },
  'max-len': { type: 'int', min: 1, help: 'only names of at most N characters (default: any, up to --max-length)' },
  unique: { type: 'boolean', help: 'no name twice' },
  new: { type: 'boolean', help: 'no name that is in --data FILE (any split): only names the model made up' },
  data: { type: 'string', arg: 'FILE', default: DEFAULT_DATA, help: 'the names --new leaves out' },
  'max-tries': {
    type: 'int',
    min: 1,
    help: `draw at most N candidates (default ${TRIES_PER_NAME} × --num, at least ${MIN_TRIES.toLocaleString('en-US')}); fewer names\nthan --num pass the filters in that many: prints those, says so on stderr, exit status 1`,
  },
  generator: {
    type: 'choice',
    choices: ['cached', 'naive'],
    default: 'cached',
    help: "cached: --batch names at once, one node per layer per character (Fast WaveNet) on the\nconv engine's ops; naive: the whole model on the last receptive field for every character,\none name at a time, as the lecture (the same names)",
  },
  batch: { type: 'int', min: 1, max: MAX_POSITIONS, default: 256, help: "names in flight at once with --generator cached (at most the kernels' rows)" },
} as const satisfies OptionTable;

const OUTPUT_OPTIONS = {
  'max-length': { type: 'int', min: 1, default: DEFAULT_MAX_CHARS, help: 'stop a name after N characters; such a name ends in "…"' },
  'mark-train': { type: 'string', arg: 'FILE', help: `mark names found in FILE's training split (the lecture's split) with " *"` },
  out: { type: 'string', arg: 'FILE', help: 'write the names to FILE (whole, or not at all) instead of stdout' },
  json: { type: 'boolean', help: 'print {"samples": [...], "truncated": [...], "tries": N} (with --mark-train also "in_train": [...])' },
} as const satisfies OptionTable;

/** Every option of `makemore sample`. */
export const SAMPLE_OPTIONS = { ...OWN_OPTIONS, ...BACKEND_OPTIONS, ...OUTPUT_OPTIONS } as const satisfies OptionTable;

export const SAMPLE_HELP = `makemore sample — generate names from a checkpoint

${optionsHelp(OWN_OPTIONS)}${optionsHelp(BACKEND_OPTIONS)}${optionsHelp(OUTPUT_OPTIONS)}
Names go to stdout one per line as they are made, so a large --num streams. Name i of a run draws
from its own random stream, seeded from (--seed, i): Python's random.seed(seed · 2^32 + i).
`;

type Values = OptionValues<typeof SAMPLE_OPTIONS>;

/** Exit status 1 when fewer than --num names passed the filters within --max-tries. */
export async function sampleCommand(argv: string[]): Promise<number> {
  const parsed = parseCommand('sample', argv, SAMPLE_OPTIONS);
  if (parsed.help) {
    process.stdout.write(SAMPLE_HELP);
    return 0;
  }
  const { values: v, given } = parsed;
  const { checkpoint } = checkpointFrom(v.checkpoint);
  const { vocab } = checkpoint;
  const { num, 'max-length': maxChars } = v;
  const maxTries = v['max-tries'] ?? Math.max(TRIES_PER_NAME * num, MIN_TRIES);
  if (maxTries < num) throw new UsageError(`--max-tries must be an integer ≥ ${num} (--num), got "${maxTries}"`);
  const rules = nameRules(v, given, vocab);
  const spec = nameSpec(v, vocab, maxChars, rules.maxLength);
  const markFile = v['mark-train'];
  const marked = markFile ? { names: new Set(loadDataset(markFile, vocab).text.train), file: markFile } : null;
  const output = nameOutput({ json: v.json, file: v.out ?? null, marked, maxLength: maxChars });
  const { source, close } = await candidateSource(v, given, checkpoint, spec);
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
  const prefix = encodePrefix(v.prefix ?? '', vocab);
  if (prefix.length >= maxChars) throw new UsageError(`--prefix has ${prefix.length} characters: it must be shorter than --max-length (${maxChars})`);
  if (prefix.length > maxLen) throw new UsageError(`--prefix has ${prefix.length} characters, more than --max-len ${maxLen}`);
  const topK = v['top-k'];
  if (topK > vocab.size) throw new UsageError(`--top-k must be at most the vocabulary size (${vocab.size}), got ${topK}`);
  return {
    seed: v.seed,
    sampling: { temperature: v.temperature, topK },
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

function nameRules(v: Values, given: ReadonlySet<string>, vocab: Vocab): NameRules {
  const minLength = v['min-len'];
  const maxLength = v['max-len'] ?? Number.MAX_SAFE_INTEGER;
  if (minLength > maxLength) throw new UsageError(`--min-len ${minLength} is more than --max-len ${maxLength}`);
  if (given.has('data') && !v.new) throw new UsageError('--data names the file --new leaves out: give --new with it');
  const exclude = v.new ? new Set(Object.values(loadDataset(v.data, vocab).text).flat()) : new Set<string>();
  return { minLength, maxLength, unique: v.unique, exclude };
}

async function candidateSource(v: Values, given: ReadonlySet<string>, checkpoint: LoadedCheckpoint, spec: NameSpec): Promise<{ source: CandidateSource; close(): void }> {
  const { params, spec: model } = checkpoint;
  if (v.generator === 'naive') {
    const ignored = ['batch', 'backend', 'threads'].filter((name) => given.has(name));
    if (ignored.length) throw new UsageError(`${ignored.map((n) => `--${n}`).join(', ')}: only --generator cached runs on the ops`);
    return { source: naiveSource(new ConvModel(params, model, referenceOps), spec), close: () => {} };
  }
  const { batch } = v;
  const { ops } = await openChosenOps(backendRequest(v, given));
  return { source: new BatchedGenerator(new StepModel(params, model, ops, batch), spec), close: () => ops.destroy() };
}
