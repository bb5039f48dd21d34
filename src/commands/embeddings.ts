// makemore embeddings: the lecture's picture of the learned character embeddings.

import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pca2 } from '../plot/pca2.ts';
import { scatterChart } from '../plot/svg.ts';
import { writeFileAtomic } from '../io/atomic-file.ts';
import { parse, stringOption, type OptionSpec } from './args.ts';
import { checkpointFrom, DEFAULT_CHECKPOINT } from './checkpoint-options.ts';

export const EMBEDDINGS_HELP = `makemore embeddings — a labelled 2-D scatter of the character embeddings (embeddings.svg)

  --checkpoint FILE    (default ${DEFAULT_CHECKPOINT})
  --out FILE|DIR       (default embeddings.svg beside the checkpoint; in DIR when a directory)
  The first two embedding dimensions when n_embd = 2, else the first two principal components.
`;

const OPTIONS: OptionSpec = { checkpoint: { type: 'string' }, out: { type: 'string' } };

export function embeddingsCommand(argv: string[]): void {
  const v = parse('embeddings', argv, OPTIONS);
  if (v.help) return void process.stdout.write(EMBEDDINGS_HELP);
  const { file, checkpoint } = checkpointFrom(v);
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
  const given = stringOption(v, 'out', dirname(file));
  const out = existsSync(given) && statSync(given).isDirectory() ? join(given, 'embeddings.svg') : given;
  writeFileAtomic(out, new TextEncoder().encode(svg));
  process.stdout.write(`wrote ${out}\n`);
}
