// makemore info: what a checkpoint holds.

import { blockSize } from '../params.ts';
import { parse, type OptionSpec } from './args.ts';
import { checkpointFrom, DEFAULT_CHECKPOINT } from './checkpoint-options.ts';

export const INFO_HELP = `makemore info — a checkpoint's configuration, parameter count and vocabulary

  --checkpoint FILE    (default ${DEFAULT_CHECKPOINT})
  --json               print one JSON object
`;

const OPTIONS: OptionSpec = { checkpoint: { type: 'string' }, json: { type: 'boolean' } };

export function infoCommand(argv: string[]): void {
  const v = parse('info', argv, OPTIONS);
  if (v.help) return void process.stdout.write(INFO_HELP);
  const { file, checkpoint } = checkpointFrom(v);
  const { vocabSize, nEmbd, nHidden, nLayers } = checkpoint.config;
  const info = {
    checkpoint: file,
    config: { vocabSize, nEmbd, nHidden, nLayers, blockSize: blockSize(checkpoint.config) },
    parameters: checkpoint.params.count(),
    vocab: checkpoint.vocab.chars.join(''),
    tensors: Object.fromEntries([...checkpoint.params.tensors].map(([name, t]) => [name, t.shape])),
    run: checkpoint.config.run ?? null,
  };
  if (v.json) return void process.stdout.write(`${JSON.stringify(info)}\n`);
  const lines = [
    `checkpoint ${file}`,
    `model: embedding ${vocabSize}×${nEmbd}, ${nLayers} conv layers (kernel 2, dilations ${Array.from({ length: nLayers }, (_, k) => 2 ** k).join(', ')}) of ${nHidden}, block size ${info.config.blockSize}`,
    `parameters: ${info.parameters.toLocaleString('en-US')} (plus ${2 * nLayers * nHidden} BatchNorm running statistics)`,
    `vocabulary (${vocabSize}): ${info.vocab}`,
    ...Object.entries(info.tensors).map(([name, shape]) => `  ${name} [${shape.join(', ')}]`),
  ];
  if (info.run) lines.push(`trained with: ${JSON.stringify(info.run)}`);
  process.stdout.write(lines.join('\n') + '\n');
}
