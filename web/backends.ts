// The backends the page offers, each probed in this browser: what it runs on, or why it cannot.

import { GPU } from 'gpu.js';
import { selectBackend, type Backend, type BackendChoice } from '../src/index.ts';

export interface PageBackend {
  /** The value of the picker's option. */
  id: Backend | 'webgpu';
  label: string;
  /** The probed choice, when this backend runs here. */
  choice: BackendChoice | null;
  /** Why it does not run here (empty when it does). */
  reason: string;
}

const OFFERED: { id: Backend; label: string }[] = [
  { id: 'wasm', label: 'WebAssembly SIMD (this library’s kernels)' },
  { id: 'webgl2', label: 'gpu.js WebGL2' },
  { id: 'cpu', label: 'gpu.js plain JavaScript' },
];

/** Why gpu.js's WebGPU backend, when the browser has it, is shown but not offered for training. */
const WEBGPU_ASYNC = 'gpu.js WebGPU kernels return Promises and the engine’s ops are synchronous; its kernels are tested one by one (npm run test:browser)';

/**
 * Why gpu.js's WebAssembly backend is not offered: it gives every kernel, at every batch size, a
 * WebAssembly.Memory of its own, and Chromium lets a page hold about 125 at once; a run of the
 * lecture's model with a dev evaluation needs more ("could not allocate memory").
 */
const WEBASM_MEMORIES = 'gpu.js gives each kernel at each batch size its own WebAssembly.Memory, and a page may hold about 125: a run with a dev evaluation needs more';

/** Every backend the page knows, best first, with whether it runs here. */
export async function pageBackends(): Promise<PageBackend[]> {
  const backends: PageBackend[] = OFFERED.map(({ id, label }) => {
    try {
      return { id, label, choice: selectBackend(id), reason: '' };
    } catch (e) {
      return { id, label, choice: null, reason: (e as Error).message };
    }
  });
  const webgpu = !GPU.isWebGPUSupported ? 'this browser has no WebGPU' : (await GPU.isWebGPUAvailable()) ? WEBGPU_ASYNC : 'WebGPU gave no adapter here';
  backends.splice(2, 0, { id: 'webgpu', label: 'gpu.js WebGPU', choice: null, reason: webgpu }, { id: 'webasm', label: 'gpu.js WebAssembly', choice: null, reason: WEBASM_MEMORIES });
  return backends;
}

/** Threads for the wasm backend: this browser's cores, at most 4. */
export function wasmThreads(): number {
  return Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1));
}
