// Which model a command builds: `--model NAME` with that preset's options (presets/registry.ts), or
// `--spec FILE`, a user's own stack as JSON (src/spec/types.ts).

import { readFileSync } from 'node:fs';
import { InputError } from '../errors.ts';
import { optionsHelp, readOption, type OptionTable } from '../options/declare.ts';
import { PRESETS } from '../presets/registry.ts';
import { resolveSpec, type ResolvedSpec } from '../spec/resolve.ts';
import { SpecError, type ModelSpec } from '../spec/types.ts';
import { usage, UsageError } from './args.ts';

const PRESET_NAMES = Object.keys(PRESETS);
const PRESET_OPTION_NAMES = [...new Set(Object.values(PRESETS).flatMap((p) => Object.keys(p.options)))];

/** --model and --spec; each preset's own options are read as text, then against the chosen preset's declarations (modelChoice). */
export const MODEL_OPTIONS = {
  model: { type: 'choice', choices: PRESET_NAMES, default: 'lecture', help: 'a preset; each takes the options listed under it' },
  spec: { type: 'string', arg: 'FILE', help: 'a stack of layers of your own, as JSON (see the README, "Models as specs")' },
  ...Object.fromEntries(PRESET_OPTION_NAMES.map((name) => [name, { type: 'string', help: '' } as const])),
} as const satisfies OptionTable;

/** The names of the options MODEL_OPTIONS declares (--model, --spec, the presets' options). */
export const MODEL_OPTION_NAMES: readonly string[] = Object.keys(MODEL_OPTIONS);

/** --model, then each preset's options (from the presets' tables), then --spec. */
export const MODEL_HELP =
  optionsHelp({ model: MODEL_OPTIONS.model }) +
  Object.entries(PRESETS)
    .map(([name, p]) => `    ${name}: ${p.help}\n${optionsHelp(p.options, 6)}`)
    .join('') +
  optionsHelp({ spec: MODEL_OPTIONS.spec });

/** A preset and its option values, or a spec file: what `train` stores as the run's model. */
export type ModelChoice = { preset: string; options: Record<string, unknown> } | { specFile: string };

/** The model the options ask for (parsed against MODEL_OPTIONS); the preset's options checked against its declarations. */
export function modelChoice(v: Readonly<Record<string, unknown>>, givenOptions: ReadonlySet<string>): ModelChoice {
  const given = PRESET_OPTION_NAMES.filter((name) => givenOptions.has(name));
  if (typeof v.spec === 'string') {
    if (givenOptions.has('model') || given.length > 0) throw new UsageError(`--spec ${v.spec} describes the whole model: leave out ${givenOptions.has('model') ? '--model' : `--${given[0]}`}`);
    return { specFile: v.spec };
  }
  const preset = v.model as string;
  const { options } = PRESETS[preset];
  const misplaced = given.find((name) => !Object.hasOwn(options, name));
  if (misplaced) {
    const takers = PRESET_NAMES.filter((name) => Object.hasOwn(PRESETS[name].options, misplaced));
    throw new UsageError(`--${misplaced} applies to --model ${takers.join(', ')}, not ${preset}`);
  }
  return { preset, options: Object.fromEntries(Object.entries(options).map(([name, decl]) => [name, usage(() => readOption(name, decl, v[name] as string | undefined))])) };
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
