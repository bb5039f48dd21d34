// The backends the shared suites run on: the WebAssembly SIMD kernels on one thread and on two (so
// every kernel's split of the work is exercised), each gpu.js mode that works here, and optionally
// the reference itself. Each one unavailable here comes with its reason.

import { availableModes, unavailableModes, type GpuJsMode } from '../src/backend.ts';
import { createGpuOps } from '../src/engine/gpu-ops.ts';
import { nodeWorkers } from '../src/engine/node-workers.ts';
import type { OpenOps } from '../src/engine/open-ops.ts';
import { referenceOps } from '../src/engine/reference-ops.ts';
import { createWasmOps } from '../src/engine/wasm-ops.ts';

export interface TestBackend {
  name: string;
  open(): Promise<OpenOps>;
}

export function testBackends(withReference: boolean): { available: TestBackend[]; unavailable: { name: string; reason: string }[] } {
  const modes = availableModes();
  const available: TestBackend[] = [];
  if (withReference) available.push({ name: 'reference', open: async () => ({ ...referenceOps, destroy: () => {} }) });
  if (modes.includes('wasm')) {
    available.push({ name: 'wasm', open: () => createWasmOps() });
    available.push({ name: 'wasm ×2', open: () => createWasmOps({ threads: 2, spawn: nodeWorkers }) });
  }
  for (const mode of modes.filter((m): m is GpuJsMode => m !== 'wasm')) available.push({ name: `gpu.js ${mode}`, open: async () => createGpuOps(mode) });
  const unavailable = unavailableModes().map(({ mode, reason }) => ({ name: mode === 'wasm' ? 'wasm' : `gpu.js ${mode}`, reason }));
  return { available, unavailable };
}
