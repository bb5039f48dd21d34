// Building the engine a command asked for: the conv form on the chosen backend, or the tree form
// (plain TypeScript, the reference).

import os from 'node:os';
import { BACKEND_ENV, BACKEND_MODES, describeBackend, selectBackend, type BackendChoice, type BackendMode } from '../backend.ts';
import { openOps, type OpenOps } from '../engine/open-ops.ts';
import { nodeWorkers } from '../engine/node-workers.ts';
import { preferredSimd, relaxedSimdAvailable, type SimdVariant } from '../engine/wasm-ops.ts';
import { referenceOps } from '../engine/reference-ops.ts';
import type { ConvOps } from '../engine/ops.ts';
import type { OptionTable, OptionValues } from '../options/declare.ts';
import type { ParamSet } from '../params.ts';
import { asLecture } from '../presets/lecture.ts';
import type { ResolvedSpec } from '../spec/resolve.ts';
import { convEngine, treeEngine, type Engine, type EngineName } from '../train/engines.ts';
import { UsageError } from './args.ts';
import { checkBackendFits } from './limits.ts';

export interface EngineChoice {
  engine: Engine;
  ops: ConvOps; // also runs the optimizer updates
  description: string;
  close(): void;
}

/** --engine, for the commands that train or evaluate (train, eval, lr-find). */
export const ENGINE_OPTIONS = {
  engine: {
    type: 'choice',
    choices: ['conv', 'tree'] as const satisfies readonly EngineName[],
    default: 'conv',
    help: "conv: whole words per batch on the --backend's kernels; tree: the lecture's random\nwindows (the lecture preset only)",
  },
} as const satisfies OptionTable;

const MAX_THREADS = 64;

/** --backend and --threads, for the commands that run the conv engine's ops (train, eval, lr-find, sample). */
export const BACKEND_OPTIONS = {
  backend: { type: 'choice', choices: BACKEND_MODES, default: 'auto', env: BACKEND_ENV, help: 'where the conv engine runs (auto: the fastest that works here;\nwebgl2: in a browser)' },
  threads: { type: 'int', min: 1, max: MAX_THREADS, default: os.cpus().length, help: "threads of the wasm backend (this machine's cores)" },
  simd: {
    type: 'choice',
    choices: ['auto', 'relaxed', 'plain'],
    default: 'auto',
    help: "the wasm backend's build: relaxed SIMD (the products' multiply-add fused, as x64 FMA) or plain;\nauto: relaxed where this Node takes it",
  },
} as const satisfies OptionTable;

/** The backend a command asks for: `backend` only when --backend was given (else selectBackend reads $MAKEMORE_BACKEND, or picks). */
export interface BackendRequest {
  backend: BackendMode | undefined;
  threads: number;
  /** The wasm build; undefined: relaxed where it runs. */
  simd: SimdVariant | undefined;
}

/** The request in a command's parsed --backend and --threads. */
export function backendRequest(values: OptionValues<typeof BACKEND_OPTIONS>, given: ReadonlySet<string>): BackendRequest {
  return { backend: given.has('backend') ? values.backend : undefined, threads: values.threads, simd: values.simd === 'auto' ? undefined : values.simd };
}

/** `training`: the batch and data file a run will train on, checked against the backend's limits before any work. */
export async function chooseEngine(
  name: EngineName,
  params: ParamSet,
  spec: ResolvedSpec,
  trainWords: number[][],
  request: BackendRequest,
  training?: { batch: number; file: string; labelSmoothing?: number },
): Promise<EngineChoice> {
  const how = { labelSmoothing: training?.labelSmoothing };
  if (name === 'tree') {
    const lecture = asLecture(spec.spec);
    if (!lecture) throw new UsageError('--engine tree runs the lecture preset only; every other model runs on the conv engine');
    return { engine: treeEngine(params, lecture, trainWords, how), ops: referenceOps, description: 'engine tree (plain TypeScript layers)', close: () => {} };
  }
  const { ops, description } = await openChosenOps(request);
  try {
    if (training) checkBackendFits(ops.limits, ops.name, spec, training.batch, trainWords, training.file);
  } catch (e) {
    ops.destroy();
    throw e;
  }
  return { engine: convEngine(params, spec, ops, trainWords, how), ops, description: `engine conv, ${description}`, close: () => ops.destroy() };
}

/** The ops of the backend `request` asks for, and a line saying which. */
export async function openChosenOps(request: BackendRequest): Promise<{ ops: OpenOps; description: string }> {
  const { threads } = request;
  const simd = request.simd ?? preferredSimd();
  const choice = asUsageError((): BackendChoice => selectBackend(request.backend));
  if (simd === 'relaxed' && choice.mode === 'wasm' && !relaxedSimdAvailable()) throw new UsageError(`--simd relaxed: this Node (${process.version}) does not take relaxed SIMD`);
  const ops = await openOps(choice, { threads, simd, spawn: nodeWorkers });
  const on = choice.mode === 'wasm' ? `, ${threads} thread${threads === 1 ? '' : 's'}, ${simd} SIMD` : '';
  return { ops, description: `${describeBackend(choice)}${on}` };
}

/** selectBackend's errors are about the user's --backend or $MAKEMORE_BACKEND (unknown, or unavailable here): one line, exit 2. */
function asUsageError<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
