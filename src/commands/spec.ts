// makemore spec: a model's spec before any training — a preset's as a spec file to start a stack of
// your own from, or a spec file checked — with its layers, parameters and receptive field.

import { describeLayers } from '../spec/describe.ts';
import { parameterCount } from '../spec/cost.ts';
import { optionsHelp, type OptionTable } from '../options/declare.ts';
import { parseCommand } from './args.ts';
import { MODEL_HELP, MODEL_OPTIONS, modelChoice, modelSpec } from './model-options.ts';

const OWN_OPTIONS = {
  'vocab-size': { type: 'int', min: 2, max: 65536, default: 27, help: "characters, '.' included, to size the head and embedding with (the bundled names have 27)" },
  json: { type: 'boolean', help: 'print only the spec (a spec file: vocabSize left out, the data gives it)' },
} as const satisfies OptionTable;

/** Every option of `makemore spec`. */
export const SPEC_OPTIONS = { ...MODEL_OPTIONS, ...OWN_OPTIONS } as const satisfies OptionTable;

export const SPEC_HELP = `makemore spec — a model's spec as JSON (what train --spec FILE reads), checked, with its layers

${MODEL_HELP}${optionsHelp(OWN_OPTIONS)}
  makemore spec --model wavenet --channels 96 --json > my-wavenet.json   then edit it, and
  makemore train --spec my-wavenet.json                                   trains it
`;

export function specCommand(argv: string[]): void {
  const parsed = parseCommand('spec', argv, SPEC_OPTIONS);
  if (parsed.help) return void process.stdout.write(SPEC_HELP);
  const { values: v, given } = parsed;
  const spec = modelSpec(modelChoice(v, given), v['vocab-size']);
  const { vocabSize: _, ...file } = spec.spec;
  if (v.json) return void process.stdout.write(`${JSON.stringify(file, null, 2)}\n`);
  const lines = [...describeLayers(spec), `parameters: ${parameterCount(spec).toLocaleString('en-US')}`, `receptive field: ${spec.receptiveField} characters`];
  process.stdout.write(`${lines.join('\n')}\n`);
}
