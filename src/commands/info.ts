// makemore info: what a checkpoint holds.

import { optionsHelp, type OptionTable } from '../options/declare.ts';
import { parseCommand } from './args.ts';
import { CHECKPOINT_OPTIONS, checkpointFrom } from './checkpoint-options.ts';
import { describeLayers } from '../spec/describe.ts';

/** Every option of `makemore info`. */
export const INFO_OPTIONS = {
  ...CHECKPOINT_OPTIONS,
  json: { type: 'boolean', help: 'print one JSON object (the spec as train --spec reads it)' },
} as const satisfies OptionTable;

export const INFO_HELP = `makemore info — a checkpoint's model (its spec: layers, shapes, parameters, receptive field) and
vocabulary; a run's resume.safetensors also shows where the run stands

${optionsHelp(INFO_OPTIONS)}`;

export function infoCommand(argv: string[]): void {
  const parsed = parseCommand('info', argv, INFO_OPTIONS);
  if (parsed.help) return void process.stdout.write(INFO_HELP);
  const v = parsed.values;
  const { file, checkpoint } = checkpointFrom(v.checkpoint);
  const { spec } = checkpoint;
  const info = {
    checkpoint: file,
    spec: spec.spec,
    receptiveField: spec.receptiveField,
    parameters: checkpoint.params.count(),
    vocab: checkpoint.vocab.chars.join(''),
    tensors: Object.fromEntries([...checkpoint.params.tensors].map(([name, t]) => [name, t.shape])),
    run: checkpoint.config.run ?? null,
    resume: resumePoint(checkpoint.trainState),
  };
  if (v.json) return void process.stdout.write(`${JSON.stringify(info)}\n`);
  const buffers = [...checkpoint.params.buffers].reduce((n, name) => n + checkpoint.params.get(name).data.length, 0);
  const lines = [
    `checkpoint ${file}`,
    ...describeLayers(spec),
    `parameters: ${info.parameters.toLocaleString('en-US')}${buffers ? ` (plus ${buffers} BatchNorm running statistics)` : ''}`,
    `receptive field: ${spec.receptiveField} characters`,
    `vocabulary (${checkpoint.vocab.size}): ${info.vocab}`,
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
