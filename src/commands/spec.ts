// makemore spec: a model's spec before any training — a preset's as a spec file to start a stack of
// your own from, or a spec file checked — with its layers, parameters and receptive field.

import { describeLayers } from '../spec/describe.ts';
import { parameterCount } from '../spec/cost.ts';
import { intOption, parse, type OptionSpec } from './args.ts';
import { MODEL_HELP, MODEL_OPTIONS, modelChoice, modelSpec } from './model-options.ts';

export const SPEC_HELP = `makemore spec — a model's spec as JSON (what train --spec FILE reads), checked, with its layers

${MODEL_HELP}  --vocab-size N       characters, '.' included, to size the head and embedding with (default 27: the bundled names)
  --json               print only the spec (a spec file: vocabSize left out, the data gives it)

  makemore spec --model wavenet --channels 96 --json > my-wavenet.json   then edit it, and
  makemore train --spec my-wavenet.json                                   trains it
`;

const OPTIONS: OptionSpec = { ...MODEL_OPTIONS, 'vocab-size': { type: 'string' }, json: { type: 'boolean' } };

export function specCommand(argv: string[]): void {
  const v = parse('spec', argv, OPTIONS);
  if (v.help) return void process.stdout.write(SPEC_HELP);
  const spec = modelSpec(modelChoice(v), intOption(v, 'vocab-size', 27, 2, 65536));
  const { vocabSize: _, ...file } = spec.spec;
  if (v.json) return void process.stdout.write(`${JSON.stringify(file, null, 2)}\n`);
  const lines = [...describeLayers(spec), `parameters: ${parameterCount(spec).toLocaleString('en-US')}`, `receptive field: ${spec.receptiveField} characters`];
  process.stdout.write(`${lines.join('\n')}\n`);
}
