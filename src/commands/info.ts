// makemore info: what a checkpoint holds.

import { kernelOf } from '../params.ts';
import { isWaveNet, layerCount, receptiveField, type AnyModelConfig } from '../wavenet-params.ts';
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
  const cfg = checkpoint.config;
  const { run: _run, ...sizes } = cfg;
  const info = {
    checkpoint: file,
    config: { ...sizes, [isWaveNet(cfg) ? 'receptiveField' : 'blockSize']: receptiveField(cfg) },
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
    `model: ${describeModel(cfg)}`,
    `parameters: ${info.parameters.toLocaleString('en-US')}${buffers ? ` (plus ${buffers} BatchNorm running statistics)` : ''}`,
    `vocabulary (${cfg.vocabSize}): ${info.vocab}`,
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

function describeModel(cfg: AnyModelConfig): string {
  const field = receptiveField(cfg);
  if (!isWaveNet(cfg)) {
    const K = kernelOf(cfg);
    const dilations = Array.from({ length: cfg.nLayers }, (_, k) => K ** k).join(', ');
    return `embedding ${cfg.vocabSize}×${cfg.nEmbd}, ${cfg.nLayers} conv layers (kernel ${K}, dilations ${dilations}) of ${cfg.nHidden}, block size ${field}`;
  }
  const dilations = Array.from({ length: cfg.layers }, (_, k) => 2 ** k).join(', ');
  return (
    `WaveNet: embedding ${cfg.vocabSize}×${cfg.nEmbd}, ${layerCount(cfg)} gated residual layers (${cfg.stacks} stack${cfg.stacks > 1 ? 's' : ''} of dilations ${dilations}), ` +
    `${cfg.channels} residual / ${cfg.skipChannels} skip channels, norm ${cfg.norm}, dropout ${cfg.dropout}, receptive field ${field}`
  );
}
