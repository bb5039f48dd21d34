// makemore export: a checkpoint as ONNX files that onnxruntime (or any ONNX runtime) runs — the
// whole-sequence graph at --out and the streaming step beside it (src/export/onnx.ts).

import { exportOnnx, OnnxExportError, stepFileName } from '../export/onnx.ts';
import { writeFileAtomic } from '../io/atomic-file.ts';
import { InputError } from '../errors.ts';
import { packageVersion } from '../package-files.ts';
import { optionsHelp, type OptionTable } from '../options/declare.ts';
import { parseCommand } from './args.ts';
import { CHECKPOINT_OPTIONS, checkpointFrom } from './checkpoint-options.ts';

/** Every option of `makemore export`. */
export const EXPORT_OPTIONS = {
  ...CHECKPOINT_OPTIONS,
  format: { type: 'choice', choices: ['onnx'], default: 'onnx', help: 'the file format' },
  out: { type: 'string', default: 'model.onnx', arg: 'FILE', help: 'the whole-sequence graph; the streaming step graph is written beside it as FILE.step.onnx' },
} as const satisfies OptionTable;

export const EXPORT_HELP = `makemore export — a checkpoint as ONNX (opset 17), for onnxruntime and any ONNX runtime

${optionsHelp(EXPORT_OPTIONS)}
  model.onnx:       tokens [batch, length] (int64: '.' = 0, the word, '.' padding) → logits [batch, length, vocab],
                    and next_state.* after the last position (on [['.']]: the step's first states)
  model.step.onnx:  token [batch] and state.* [batch, (K−1)·dilation, channels] → logits [batch, vocab] and next_state.*

  makemore export --checkpoint out/model.safetensors --out model.onnx
`;

export function exportCommand(argv: string[]): void {
  const parsed = parseCommand('export', argv, EXPORT_OPTIONS);
  if (parsed.help) return void process.stdout.write(EXPORT_HELP);
  const { out } = parsed.values;
  const { file, checkpoint } = checkpointFrom(parsed.values.checkpoint);
  let files;
  try {
    files = exportOnnx(checkpoint.params, checkpoint.spec, { vocab: checkpoint.vocab.chars, version: packageVersion() });
  } catch (e) {
    if (e instanceof OnnxExportError) throw new InputError(file, e.message);
    throw e;
  }
  const step = stepFileName(out);
  writeFileAtomic(out, files.sequence);
  writeFileAtomic(step, files.step);
  const lines = [
    `${out}: whole sequence, ${(files.sequence.length / 1024).toFixed(0)} KiB`,
    `${step}: streaming step, ${files.states.length} state${files.states.length === 1 ? '' : 's'} (${files.states.map((s) => `[batch, ${s.slots}, ${s.channels}]`).join(', ') || 'none'})`,
    `vocabulary (index order, '.' = 0): ${checkpoint.vocab.chars.join('')}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
