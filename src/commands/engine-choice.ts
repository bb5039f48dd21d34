// Building the engine a command asked for: the conv form on the chosen backend, or the tree form
// (plain TypeScript, the reference).

import os from 'node:os';
import { describeBackend, parseBackendMode, selectBackend, type BackendChoice } from '../backend.ts';
import { openOps, type OpenOps } from '../engine/open-ops.ts';
import { nodeWorkers } from '../engine/node-workers.ts';
import { referenceOps } from '../engine/reference-ops.ts';
import type { ConvOps } from '../engine/ops.ts';
import type { ParamSet } from '../params.ts';
import { asLecture } from '../presets/lecture.ts';
import type { ResolvedSpec } from '../spec/resolve.ts';
import { convEngine, treeEngine, type Engine, type EngineName } from '../train/engines.ts';
import { intOption, UsageError, type OptionSpec } from './args.ts';
import { checkBackendFits } from './limits.ts';

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

const MAX_THREADS = 64;

export const BACKEND_HELP = `  --backend MODE       auto|wasm|cpu|webasm|headlessgl|webgl2|gpu for the conv engine (webgl2: in a browser) (default $MAKEMORE_BACKEND or auto)
  --threads N          threads of the wasm backend (default: this machine's ${os.cpus().length} cores)
`;

/** `training`: the batch and data file a run will train on, checked against the backend's limits before any work. */
export async function chooseEngine(
  name: EngineName,
  params: ParamSet,
  spec: ResolvedSpec,
  trainWords: number[][],
  options: Record<string, unknown>,
  training?: { batch: number; file: string },
): Promise<EngineChoice> {
  if (name === 'tree') {
    checkBackendOptions(options); // ignored by the tree form, but still checked
    const lecture = asLecture(spec.spec);
    if (!lecture) throw new UsageError('--engine tree runs the lecture preset only; every other model runs on the conv engine');
    return { engine: treeEngine(params, lecture, trainWords), ops: referenceOps, description: 'engine tree (plain TypeScript layers)', close: () => {} };
  }
  const { ops, description } = await openChosenOps(options);
  try {
    if (training) checkBackendFits(ops.limits, ops.name, spec, training.batch, trainWords, training.file);
  } catch (e) {
    ops.destroy();
    throw e;
  }
  return { engine: convEngine(params, spec, ops, trainWords), ops, description: `engine conv, ${description}`, close: () => ops.destroy() };
}

/** The ops of the backend --backend and --threads ask for, and a line saying which. */
export async function openChosenOps(options: Record<string, unknown>): Promise<{ ops: OpenOps; description: string }> {
  const threads = checkBackendOptions(options);
  const choice = asUsageError((): BackendChoice => selectBackend(options.backend as string | undefined));
  const ops = await openOps(choice, { threads, spawn: nodeWorkers });
  const on = choice.mode === 'wasm' ? `, ${threads} thread${threads === 1 ? '' : 's'}` : '';
  return { ops, description: `${describeBackend(choice)}${on}` };
}

/** A --backend that is no backend, or a --threads out of range, is the user's error; the threads. */
function checkBackendOptions(options: Record<string, unknown>): number {
  const backend = options.backend as string | undefined;
  if (backend !== undefined) asUsageError(() => parseBackendMode(backend, '--backend'));
  return intOption(options, 'threads', os.cpus().length, 1, MAX_THREADS);
}

/** selectBackend's errors are about the user's --backend or $MAKEMORE_BACKEND (unknown, or unavailable here): one line, exit 2. */
function asUsageError<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
