// makemore join: trained models (same vocabulary) joined into one checkpoint whose logits are the
// mean of theirs (models/join.ts): two runs trained side by side, one per core, scored as one model.

import { InputError } from '../errors.ts';
import { saveCheckpoint } from '../io/checkpoint-file.ts';
import { joinModels } from '../models/join.ts';
import { optionsHelp, type OptionTable } from '../options/declare.ts';
import { parameterCount } from '../spec/cost.ts';
import { resolveSpec } from '../spec/resolve.ts';
import { parseCommand, UsageError } from './args.ts';
import { checkpointFrom } from './checkpoint-options.ts';

/** Every option of `makemore join`. */
export const JOIN_OPTIONS = {
  checkpoints: { type: 'string', arg: 'FILE,FILE[,…]', help: "two or more models (a run's model.safetensors, or its resume file), comma-separated" },
  out: { type: 'string', arg: 'FILE', default: 'joined.safetensors', help: 'the joined model' },
} as const satisfies OptionTable;

export const JOIN_HELP = `makemore join — models of the same vocabulary as one model whose logits are the mean of theirs
(an ensemble): their stacks side by side as branches of one parallel layer, each on its own
slice of a joined embedding, under one head. It evaluates, samples, exports and trains on as
any model.

${optionsHelp(JOIN_OPTIONS)}
  makemore join --checkpoints runs/a/model.safetensors,runs/b/model.safetensors --out joined.safetensors
`;

export function joinCommand(argv: string[]): void {
  const parsed = parseCommand('join', argv, JOIN_OPTIONS);
  if (parsed.help) return void process.stdout.write(JOIN_HELP);
  const { checkpoints, out } = parsed.values;
  const files = (checkpoints ?? '').split(',').filter((f) => f !== '');
  if (files.length < 2) throw new UsageError(`--checkpoints needs two or more files, comma-separated, got ${JSON.stringify(checkpoints ?? '')} (see makemore join --help)`);
  const loaded = files.map((f) => checkpointFrom(f));
  const vocab = loaded[0].checkpoint.vocab;
  for (const { file, checkpoint } of loaded.slice(1)) {
    const chars = checkpoint.vocab.chars.join('');
    if (chars !== vocab.chars.join('')) throw new InputError(file, `its vocabulary ${JSON.stringify(chars)} differs from ${files[0]}'s ${JSON.stringify(vocab.chars.join(''))}: only models of one vocabulary join`);
  }
  const { spec, params } = joinModels(loaded.map(({ checkpoint }) => checkpoint));
  saveCheckpoint(out, { params, vocab, spec, config: { joined: files } });
  const resolved = resolveSpec(spec);
  process.stdout.write(
    `${out}: ${files.length} models joined, ${parameterCount(resolved).toLocaleString('en-US')} parameters, receptive field ${resolved.receptiveField} characters\n`,
  );
}
