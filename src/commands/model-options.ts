// Which model a command builds: `--model NAME` with that preset's options (presets/registry.ts), or
// `--spec FILE`, a user's own stack as JSON (src/spec/types.ts).

import { readFileSync } from 'node:fs';
import { InputError } from '../errors.ts';
import { OptionError, optionsHelp, readOption } from '../options/declare.ts';
import { PRESETS } from '../presets/registry.ts';
import { resolveSpec, type ResolvedSpec } from '../spec/resolve.ts';
import { SpecError, type ModelSpec } from '../spec/types.ts';
import { UsageError, type OptionSpec } from './args.ts';

const PRESET_NAMES = Object.keys(PRESETS);
const PRESET_OPTION_NAMES = [...new Set(Object.values(PRESETS).flatMap((p) => Object.keys(p.options)))];

export const MODEL_OPTIONS: OptionSpec = {
  model: { type: 'string' },
  spec: { type: 'string' },
  ...Object.fromEntries(PRESET_OPTION_NAMES.map((name) => [name, { type: 'string' as const }])),
};

export const MODEL_HELP =
  `  --model ${PRESET_NAMES.join('|')}  a preset (default lecture), with its options:\n` +
  Object.entries(PRESETS)
    .map(([name, p]) => `  ${name}: ${p.help}\n${optionsHelp(p.options).replace(/^ {2}/gm, '    ')}`)
    .join('') +
  '  --spec FILE          a stack of layers of your own, as JSON (see the README, "Models as specs")\n';

/** A preset and its option values, or a spec file: what `train` stores as the run's model. */
export type ModelChoice = { preset: string; options: Record<string, unknown> } | { specFile: string };

/** The model the options ask for; their values checked against the preset's declarations. */
export function modelChoice(v: Record<string, unknown>): ModelChoice {
  const given = PRESET_OPTION_NAMES.filter((name) => v[name] !== undefined);
  if (typeof v.spec === 'string') {
    if (v.model !== undefined || given.length > 0) throw new UsageError(`--spec ${v.spec} describes the whole model: leave out ${v.model !== undefined ? '--model' : `--${given[0]}`}`);
    return { specFile: v.spec };
  }
  const preset = (v.model as string | undefined) ?? 'lecture';
  if (!Object.hasOwn(PRESETS, preset)) throw new UsageError(`--model must be one of ${PRESET_NAMES.join(', ')}, got "${preset}" (or give --spec FILE)`);
  const { options } = PRESETS[preset];
  const misplaced = given.find((name) => !Object.hasOwn(options, name));
  if (misplaced) {
    const takers = PRESET_NAMES.filter((name) => Object.hasOwn(PRESETS[name].options, misplaced));
    throw new UsageError(`--${misplaced} applies to --model ${takers.join(', ')}, not ${preset}`);
  }
  try {
    return { preset, options: Object.fromEntries(Object.entries(options).map(([name, decl]) => [name, readOption(name, decl, v[name] as string | undefined)])) };
  } catch (e) {
    if (e instanceof OptionError) throw new UsageError(e.message);
    throw e;
  }
}

/** `wavenet channels 96, n-embd 32, …` or `spec FILE`. */
export function describeModel(choice: ModelChoice): string {
  if ('specFile' in choice) return `spec ${choice.specFile}`;
  const values = Object.entries(choice.options).filter(([, value]) => value !== undefined);
  return `${choice.preset} ${values.map(([name, value]) => `${name} ${Array.isArray(value) ? value.join(',') : value}`).join(', ')}`;
}

/** The spec of `choice` for a vocabulary of `vocabSize`, checked: a mistake is one line naming the file or option, the layer and the field. */
export function modelSpec(choice: ModelChoice, vocabSize: number): ResolvedSpec {
  if ('preset' in choice) {
    try {
      return resolveSpec(PRESETS[choice.preset].spec(choice.options, vocabSize));
    } catch (e) {
      if (e instanceof SpecError || e instanceof RangeError) throw new UsageError(`--model ${choice.preset}: ${e.message}`);
      throw e;
    }
  }
  const file = choice.specFile;
  const spec = readSpecFile(file);
  if (spec.vocabSize !== undefined && spec.vocabSize !== vocabSize) throw new InputError(file, `vocabSize ${JSON.stringify(spec.vocabSize)}, but the data has ${vocabSize} characters ('.' included): leave vocabSize out`);
  try {
    return resolveSpec({ ...spec, vocabSize });
  } catch (e) {
    if (e instanceof SpecError) throw new InputError(file, e.message);
    throw e;
  }
}

function readSpecFile(file: string): Partial<ModelSpec> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(file, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : `cannot read it (${(e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, `not valid JSON (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new InputError(file, 'a spec is a JSON object: {"embedding": 24, "layers": [...]}');
  return json as Partial<ModelSpec>;
}
