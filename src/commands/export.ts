// makemore export: a checkpoint as ONNX files that onnxruntime (or any ONNX runtime) runs — the
// whole-sequence graph at --out and the streaming step beside it (src/export/onnx.ts).

import { exportOnnx, OnnxExportError, stepFileName } from '../export/onnx.ts';
import { writeFileAtomic } from '../io/atomic-file.ts';
import { InputError } from '../errors.ts';
import { packageVersion } from '../package-files.ts';
import { choiceOption, parse, stringOption, type OptionSpec } from './args.ts';
import { checkpointFrom, DEFAULT_CHECKPOINT } from './checkpoint-options.ts';

export const EXPORT_HELP = `makemore export — a checkpoint as ONNX (opset 17), for onnxruntime and any ONNX runtime

  --checkpoint FILE    (default ${DEFAULT_CHECKPOINT})
  --format onnx        the only format (default)
  --out FILE           the whole-sequence graph (default model.onnx); the streaming step graph is
                       written beside it as FILE.step.onnx (model.step.onnx)

  model.onnx:       tokens [batch, length] (int64: '.' = 0, the word, '.' padding) → logits [batch, length, vocab],
                    and next_state.* after the last position (on [['.']]: the step's first states)
  model.step.onnx:  token [batch] and state.* [batch, (K−1)·dilation, channels] → logits [batch, vocab] and next_state.*

  makemore export --checkpoint out/model.safetensors --out model.onnx
`;

const OPTIONS: OptionSpec = { checkpoint: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' } };

export function exportCommand(argv: string[]): void {
  const v = parse('export', argv, OPTIONS);
  if (v.help) return void process.stdout.write(EXPORT_HELP);
  choiceOption(v, 'format', ['onnx'] as const, 'onnx');
  const out = stringOption(v, 'out', 'model.onnx');
  const { file, checkpoint } = checkpointFrom(v);
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
