// Building the engine a command asked for: the conv form on the chosen gpu.js backend, or the tree
// form (plain TypeScript, the reference).

import { describeBackend, parseBackendMode, selectBackend, type BackendChoice } from '../backend.ts';
import { createGpuOps } from '../engine/gpu-ops.ts';
import { referenceOps, type ConvOps } from '../engine/ops.ts';
import type { ModelConfig, ParamSet } from '../params.ts';
import { convEngine, treeEngine, type Engine, type EngineName } from '../train/engines.ts';
import { UsageError } from './args.ts';

export interface EngineChoice {
  engine: Engine;
  ops: ConvOps; // also runs the optimizer updates
  description: string;
  close(): void;
}

export function chooseEngine(name: EngineName, params: ParamSet, cfg: ModelConfig, trainWords: number[][], backend?: string): EngineChoice {
  if (backend !== undefined) asUsageError(() => parseBackendMode(backend, '--backend')); // checked for the tree form too, which ignores it
  if (name === 'tree') {
    return { engine: treeEngine(params, cfg, trainWords), ops: referenceOps, description: 'engine tree (plain TypeScript layers)', close: () => {} };
  }
  const choice = asUsageError((): BackendChoice => selectBackend(backend));
  const ops = createGpuOps(choice.mode);
  return { engine: convEngine(params, cfg, ops, trainWords), ops, description: `engine conv, ${describeBackend(choice)}`, close: () => ops.destroy() };
}

/** selectBackend's errors are about the user's --backend or $MAKEMORE_BACKEND (unknown, or unavailable here): one line, exit 2. */
function asUsageError<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
