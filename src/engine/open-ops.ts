// The ops of a chosen backend (src/backend.ts): the WebAssembly SIMD kernels or a gpu.js mode.

import type { BackendChoice } from '../backend.ts';
import { createGpuOps } from './gpu-ops.ts';
import type { ConvOps } from './ops.ts';
import { createWasmOps, type WasmOptions } from './wasm-ops.ts';

/** Ops that hold something to free: workers (wasm) or kernels and GL contexts (gpu.js). */
export interface OpenOps extends ConvOps {
  /** Frees what the ops hold (workers, GL contexts); they must not be used afterwards. */
  destroy(): void;
}

/** The ops of a chosen backend. `wasm` options apply to the wasm backend (threads, how to start workers); gpu.js modes ignore them. */
export async function openOps(choice: Pick<BackendChoice, 'mode'>, wasm: WasmOptions = {}): Promise<OpenOps> {
  return choice.mode === 'wasm' ? createWasmOps(wasm) : createGpuOps(choice.mode);
}
