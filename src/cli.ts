// The `makemore` command: parse, call, print. Errors in the user's input (files, options) print
// one clear line and exit 2; anything else is a bug and keeps its stack.

import { InputError } from './errors.ts';
import { packageVersion } from './package-files.ts';
import { UsageError } from './commands/args.ts';
import { trainCommand } from './commands/train.ts';
import { evalCommand } from './commands/eval.ts';
import { sampleCommand } from './commands/sample.ts';
import { infoCommand } from './commands/info.ts';
import { lrFindCommand } from './commands/lr-find.ts';
import { embeddingsCommand } from './commands/embeddings.ts';
import { sweepCommand } from './commands/sweep.ts';
import { specCommand } from './commands/spec.ts';
import { exportCommand } from './commands/export.ts';
import { joinCommand } from './commands/join.ts';
import { enableRelaxedSimd } from './engine/node-relaxed-simd.ts';

/** A command returns its exit status, or nothing for 0. */
const COMMANDS: Record<string, (argv: string[]) => void | number | Promise<void | number>> = {
  train: trainCommand,
  eval: evalCommand,
  sample: sampleCommand,
  info: infoCommand,
  'lr-find': lrFindCommand,
  embeddings: embeddingsCommand,
  sweep: sweepCommand,
  spec: specCommand,
  export: exportCommand,
  join: joinCommand,
};

const HELP = `makemore — character-level WaveNet-style language models (makemore part 5) on WebAssembly SIMD kernels (or gpu.js)

usage: makemore <command> [options]     (makemore <command> --help for its options)
       makemore --version

  train        train a model on a file of names, one per line (resumable)
  eval         mean loss of a checkpoint on the train, val or test split
  sample       generate names from a checkpoint
  info         a checkpoint's configuration, parameter count and vocabulary
  lr-find      the lecture's learning-rate sweep, plotted (lr-find.svg)
  embeddings   the learned character embeddings, plotted (embeddings.svg)
  sweep        train the runs of a grid file in sequence: results table and plot (resumable)
  spec         a model's spec (a preset's, or a spec file's) as JSON, with its layers and receptive field
  export       a checkpoint as ONNX: model.onnx (whole sequence) and model.step.onnx (streaming), for onnxruntime
  join         models of one vocabulary as one model, the mean of their logits (an ensemble)
`;

export async function main(argv: string[]): Promise<number> {
  enableRelaxedSimd();
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-V') {
    process.stdout.write(`makemore ${packageVersion()}\n`);
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    process.stderr.write(`makemore: unknown command "${command}": expected one of ${Object.keys(COMMANDS).join(', ')} (see makemore --help)\n`);
    return 2;
  }
  try {
    return (await run(rest)) ?? 0;
  } catch (e) {
    if (e instanceof InputError || e instanceof UsageError) {
      process.stderr.write(`makemore ${command}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}

process.exitCode = await main(process.argv.slice(2));
