// Building the engine a command asked for: the conv form on the chosen backend, or the tree form
// (plain TypeScript, the reference).

import os from 'node:os';
import { describeBackend, selectBackend } from '../backend.ts';
import { openOps } from '../engine/open-ops.ts';
import { nodeWorkers } from '../engine/node-workers.ts';
import { referenceOps } from '../engine/reference-ops.ts';
import type { ConvOps } from '../engine/ops.ts';
import type { ModelConfig, ParamSet } from '../params.ts';
import { isWaveNet, type AnyModelConfig } from '../wavenet-params.ts';
import { convEngine, treeEngine, type Engine, type EngineName } from '../train/engines.ts';
import { intOption, UsageError, type OptionSpec } from './args.ts';

export interface EngineChoice {
  engine: Engine;
  ops: ConvOps; // also runs the optimizer updates
  description: string;
  close(): void;
}

/** --backend and --threads, shared by the commands that run the conv engine. */
export const BACKEND_OPTIONS: OptionSpec = {
  backend: { type: 'string' },
  threads: { type: 'string' },
};

export const BACKEND_HELP = `  --backend MODE       auto|wasm|cpu|webasm|headlessgl|gpu for the conv engine (default $MAKEMORE_BACKEND or auto)
  --threads N          threads of the wasm backend (default: this machine's ${os.cpus().length} cores)
`;

export async function chooseEngine(name: EngineName, params: ParamSet, cfg: AnyModelConfig, trainWords: number[][], options: Record<string, unknown>): Promise<EngineChoice> {
  if (name === 'tree') {
    if (isWaveNet(cfg)) throw new UsageError('--engine tree runs the lecture model only; WaveNet runs on the conv engine');
    return { engine: treeEngine(params, cfg as ModelConfig, trainWords), ops: referenceOps, description: 'engine tree (plain TypeScript layers)', close: () => {} };
  }
  const choice = selectBackend(options.backend as string | undefined);
  const threads = intOption(options, 'threads', os.cpus().length);
  const ops = await openOps(choice, { threads, spawn: nodeWorkers });
  const on = choice.mode === 'wasm' ? `, ${threads} thread${threads === 1 ? '' : 's'}` : '';
  return { engine: convEngine(params, cfg, ops, trainWords), ops, description: `engine conv, ${describeBackend(choice)}${on}`, close: () => ops.destroy() };
}
