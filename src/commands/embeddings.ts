// makemore embeddings: the lecture's picture of the learned character embeddings.

import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pca2 } from '../plot/pca2.ts';
import { scatterChart } from '../plot/svg.ts';
import { writeFileAtomic } from '../io/atomic-file.ts';
import { optionsHelp, type OptionTable } from '../options/declare.ts';
import { parseCommand } from './args.ts';
import { CHECKPOINT_OPTIONS, checkpointFrom } from './checkpoint-options.ts';

/** Every option of `makemore embeddings`. */
export const EMBEDDINGS_OPTIONS = {
  ...CHECKPOINT_OPTIONS,
  out: { type: 'string', arg: 'FILE|DIR', help: 'where the picture goes (default embeddings.svg beside the checkpoint; in DIR when a directory)' },
} as const satisfies OptionTable;

export const EMBEDDINGS_HELP = `makemore embeddings — a labelled 2-D scatter of the character embeddings (embeddings.svg): the
first two embedding dimensions when n_embd = 2, else the first two principal components

${optionsHelp(EMBEDDINGS_OPTIONS)}`;

export function embeddingsCommand(argv: string[]): void {
  const parsed = parseCommand('embeddings', argv, EMBEDDINGS_OPTIONS);
  if (parsed.help) return void process.stdout.write(EMBEDDINGS_HELP);
  const v = parsed.values;
  const { file, checkpoint } = checkpointFrom(v.checkpoint);
  const table = checkpoint.params.get('embedding.weight');
  const [V, C] = table.shape;
  const projected = C === 2 ? Array.from({ length: V }, (_, i): [number, number] => [table.data[2 * i], table.data[2 * i + 1]]) : pca2(table.data, V, C).points;
  const axes = C === 2 ? ['dimension 0', 'dimension 1'] : ['principal component 1', 'principal component 2'];
  const svg = scatterChart({
    title: `character embeddings (${C}-d)`,
    xLabel: axes[0],
    yLabel: axes[1],
    points: projected.map(([x, y], i) => ({ x, y, label: checkpoint.vocab.chars[i] })),
  });
  const given = v.out ?? dirname(file);
  const out = existsSync(given) && statSync(given).isDirectory() ? join(given, 'embeddings.svg') : given;
  writeFileAtomic(out, new TextEncoder().encode(svg));
  process.stdout.write(`wrote ${out}\n`);
}
