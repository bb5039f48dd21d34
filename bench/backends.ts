// The conv engine's backends: the WebAssembly SIMD kernels on every core and on one thread, every
// gpu.js mode that works here, and the plain-TS reference ops. A mode that only reaches a backend
// already listed ('gpu' picking webasm on a GL-less machine) would measure the same kernels twice,
// so it is reported as an alias instead.

import os from 'node:os';
import { AUTO_ORDER, availableModes, probeMode, unavailableModes, type Backend, type GpuJsMode } from '../src/backend.ts';
import { createGpuOps } from '../src/engine/gpu-ops.ts';
import { createWasmOps } from '../src/engine/wasm-ops.ts';
import { nodeWorkers } from '../src/engine/node-workers.ts';
import { referenceOps } from '../src/engine/reference-ops.ts';
import { WASM_ONE_THREAD } from './setup.ts';
import type { ConvOps } from '../src/engine/ops.ts';

export interface OpenBackend {
  ops: ConvOps;
  close(): void;
}

export interface ConvBackend {
  name: string;
  open(): Promise<OpenBackend>;
}

export interface BackendSet {
  backends: ConvBackend[];
  /** mode → why it cannot run here */
  unavailable: Record<string, string>;
  /** mode → the backend it runs on, measured under that name */
  aliases: Record<string, string>;
}

const REFERENCE: ConvBackend = { name: 'reference', open: async () => ({ ops: referenceOps, close: () => {} }) };

// the wasm backend on every core (`wasm`, what `auto` runs) and on one thread, for the scaling
function wasmBackends(): ConvBackend[] {
  const open = (threads: number) => async () => {
    const ops = await createWasmOps({ threads, spawn: nodeWorkers });
    return { ops, close: () => ops.destroy() };
  };
  const cores = os.cpus().length;
  return cores > 1 ? [{ name: 'wasm', open: open(cores) }, { name: WASM_ONE_THREAD, open: open(1) }] : [{ name: 'wasm', open: open(1) }];
}

/** `only` keeps just the named backends (the test runs the reference alone). */
export function convBackends(only?: readonly string[]): BackendSet {
  const backends: ConvBackend[] = [];
  const aliases: Record<string, string> = {};
  for (const mode of preferredFirst(availableModes())) {
    if (mode === 'wasm') {
      backends.push(...wasmBackends());
      continue;
    }
    const probe = probeMode(mode);
    const runsOn = probe.ok ? probe.runsOn : mode;
    if (backends.some((b) => b.name === runsOn)) aliases[mode] = runsOn;
    else backends.push(gpuBackend(mode, runsOn));
  }
  backends.push(REFERENCE);
  const unavailable = Object.fromEntries(unavailableModes().map((u) => [u.mode, u.reason]));
  return { backends: only ? backends.filter((b) => only.includes(b.name)) : backends, unavailable, aliases };
}

// the modes 'auto' would pick first come first; 'gpu' (gpu.js's own pick) last, as it may repeat one
function preferredFirst(modes: Backend[]): Backend[] {
  const rank = (m: Backend) => (AUTO_ORDER.includes(m) ? AUTO_ORDER.indexOf(m) : AUTO_ORDER.length);
  return [...modes].sort((a, b) => rank(a) - rank(b));
}

function gpuBackend(mode: GpuJsMode, runsOn: string): ConvBackend {
  return {
    name: runsOn,
    open: async () => {
      const ops = createGpuOps(mode);
      return { ops, close: () => ops.destroy() };
    },
  };
}
