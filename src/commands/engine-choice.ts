// Building the engine a command asked for: the conv form on the chosen gpu.js backend, or the tree
// form (plain TypeScript, the reference).

import { describeBackend, selectBackend } from '../backend.ts';
import { createGpuOps } from '../engine/gpu-ops.ts';
import { referenceOps, type ConvOps } from '../engine/ops.ts';
import type { ModelConfig, ParamSet } from '../params.ts';
import { convEngine, treeEngine, type Engine, type EngineName } from '../train/engines.ts';

export interface EngineChoice {
  engine: Engine;
  ops: ConvOps; // also runs the optimizer updates
  description: string;
  close(): void;
}

export function chooseEngine(name: EngineName, params: ParamSet, cfg: ModelConfig, trainWords: number[][], backend?: string): EngineChoice {
  if (name === 'tree') {
    return { engine: treeEngine(params, cfg, trainWords), ops: referenceOps, description: 'engine tree (plain TypeScript layers)', close: () => {} };
  }
  const choice = selectBackend(backend);
  const ops = createGpuOps(choice.mode);
  return { engine: convEngine(params, cfg, ops, trainWords), ops, description: `engine conv, ${describeBackend(choice)}`, close: () => ops.destroy() };
}
