// The backends the shared suites run on: the WebAssembly SIMD kernels on one thread and on two (so
// every kernel's split of the work is exercised), their relaxed-SIMD build on two, each gpu.js mode that works here, and optionally
// the reference itself. Each one unavailable here comes with its reason. The same list serves Node
// and a browser page (test/browser/): the wasm workers are worker_threads in Node and the page's
// Blob workers in a browser, and a run may narrow the list by name (the page skips the gpu.js modes
// that Node already runs).

import { inject } from 'vitest';
import { availableModes, probeMode, unavailableModes, type GpuJsMode } from '../src/backend.ts';
import { createGpuOps } from '../src/engine/gpu-ops.ts';
import type { OpenOps } from '../src/engine/open-ops.ts';
import { referenceOps } from '../src/engine/reference-ops.ts';
import type { WorkerSpawner } from '../src/engine/wasm-threads.ts';
import { createWasmOps, relaxedSimdAvailable } from '../src/engine/wasm-ops.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The backends a run is limited to, by name; absent: every one available. */
    backends?: string[];
  }
}

export interface TestBackend {
  name: string;
  open(): Promise<OpenOps>;
}

// Node's worker_threads, imported only in Node so that a page never loads it; a page's Worker is the default
async function workerSpawner(): Promise<WorkerSpawner | undefined> {
  const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
  return isNode ? (await import('../src/engine/node-workers.ts')).nodeWorkers : undefined;
}

export function testBackends(withReference: boolean): { available: TestBackend[]; unavailable: { name: string; reason: string }[] } {
  const modes = availableModes();
  const all: TestBackend[] = [];
  if (withReference) all.push({ name: 'reference', open: async () => ({ ...referenceOps, destroy: () => {} }) });
  if (modes.includes('wasm')) {
    all.push({ name: 'wasm', open: () => createWasmOps({ simd: 'plain' }) });
    all.push({ name: 'wasm ×2', open: async () => createWasmOps({ threads: 2, simd: 'plain', spawn: await workerSpawner() }) });
    if (relaxedSimdAvailable()) all.push({ name: 'wasm relaxed ×2', open: async () => createWasmOps({ threads: 2, simd: 'relaxed', spawn: await workerSpawner() }) });
  }
  // 'gpu' is whichever mode gpu.js picks: run it only when that is not a mode run here anyway
  const gpu = probeMode('gpu');
  const gpuPicksAnother = gpu.ok && modes.some((m) => m !== 'gpu' && m === gpu.runsOn);
  const gpuJs = modes.filter((m): m is GpuJsMode => m !== 'wasm' && !(m === 'gpu' && gpuPicksAnother));
  for (const mode of gpuJs) all.push({ name: `gpu.js ${mode}`, open: async () => createGpuOps(mode) });
  const only = inject('backends');
  const available = only ? all.filter((b) => b.name === 'reference' || only.includes(b.name)) : all;
  const unavailable = unavailableModes().map(({ mode, reason }) => ({ name: mode === 'wasm' ? 'wasm' : `gpu.js ${mode}`, reason }));
  if (modes.includes('wasm') && !relaxedSimdAvailable()) unavailable.push({ name: 'wasm relaxed ×2', reason: 'this WebAssembly engine does not take relaxed SIMD' });
  for (const b of all) if (!available.includes(b)) unavailable.push({ name: b.name, reason: 'not in this run (test/browser/vitest.config.ts)' });
  return { available, unavailable };
}
