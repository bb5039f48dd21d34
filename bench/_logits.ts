import { writeFileSync } from 'node:fs';
import { saveCheckpoint } from '../src/io/checkpoint-file.ts';
import { ConvModel } from '../src/models/conv.ts';
import { referenceOps } from '../src/engine/reference-ops.ts';
import { packWords } from '../src/data/packed-batch.ts';
import { trainedWeights } from './generation.ts';
import { loadFixture } from './setup.ts';
import { SAMPLE_CLI_MODELS } from './sample-cli.ts';
const out: Record<string, unknown> = {};
for (const [i, sel] of [...SAMPLE_CLI_MODELS, { preset: 'wavenet', values: { norm: 'batchnorm', layers: 3, stacks: 2 } }, { preset: 'wavenet', values: { channels: 16 } }].entries()) {
  const fx = loadFixture(sel as never);
  const params = trainedWeights(fx.spec, fx.train, referenceOps, 30);
  const file = `/tmp/ck${i}.safetensors`;
  saveCheckpoint(file, { params, vocab: fx.vocab, spec: fx.spec.spec });
  const words = fx.train.slice(0, 3);
  const logits = new ConvModel(params, fx.spec, referenceOps).forward(packWords(words), 'eval');
  out[file] = { words, logits: Array.from(logits) };
}
writeFileSync('/tmp/logits.json', JSON.stringify(out));
