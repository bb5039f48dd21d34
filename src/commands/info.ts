// makemore info: what a checkpoint holds.

import { blockSize } from '../params.ts';
import { parse, type OptionSpec } from './args.ts';
import { checkpointFrom, DEFAULT_CHECKPOINT } from './checkpoint-options.ts';

export const INFO_HELP = `makemore info — a checkpoint's configuration, parameter count and vocabulary

  --checkpoint FILE    (default ${DEFAULT_CHECKPOINT}); a run's resume.safetensors shows its latest
                       parameters and where the run stands
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
    resume: resumePoint(checkpoint.trainState),
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
  if (info.resume) lines.push(`resume point: step ${info.resume.step}; best dev loss ${info.resume.best?.loss.toFixed(4) ?? 'n/a'} at step ${info.resume.best?.step ?? 'n/a'}`);
  process.stdout.write(lines.join('\n') + '\n');
}

/** Where a resume file's run stands (null for a plain checkpoint). */
function resumePoint(trainState: unknown): { step: number; best: { step: number; loss: number } | null } | null {
  const state = trainState as { step?: unknown; best?: { step: number; loss: number } | null } | undefined;
  return typeof state?.step === 'number' ? { step: state.step, best: state.best ?? null } : null;
}
