// Chromium lets a page hold only about 124 live WebAssembly.Memory objects (the 126th
// `new WebAssembly.Memory` fails), and gpu.js's webasm backend gives every compiled kernel module —
// one per kernel and array sizes, up to 8 cached per kernel — a memory of its own. This keeps the
// modules of all live gpu.js webasm kernels in this page or process under a budget, releasing the
// least recently used ones first (a released size is recompiled when it comes back).

/** The memories all webasm kernels may hold together: below Chromium's ~124, with room for the page's own. */
export const WEBASM_MEMORY_BUDGET = 96;

/** The part of gpu.js's WebAssemblyKernel this reaches into: its module cache (Map order is its LRU order) and the module in use. */
interface WebasmKernel {
  _moduleCache: Map<string, unknown>;
  _active: unknown;
  _releaseEntry(entry: unknown): void;
}

// every live webasm kernel, least recently run first
const kernels = new Set<WebasmKernel>();

/** Notes that `kernel` just ran (it may have compiled a module), and releases modules past the budget. */
export function webasmKernelRan(kernel: WebasmKernel): void {
  kernels.delete(kernel);
  kernels.add(kernel);
  let live = liveWebasmMemories();
  if (live <= WEBASM_MEMORY_BUDGET) return;
  for (const k of kernels) {
    // the kernel that just ran keeps its newest module, the one its result lies in
    const spare = k === kernel ? k._moduleCache.size - 1 : k._moduleCache.size;
    for (const [key, entry] of [...k._moduleCache].slice(0, Math.max(0, Math.min(spare, live - WEBASM_MEMORY_BUDGET)))) {
      k._moduleCache.delete(key);
      if (k._active === entry) k._active = null;
      k._releaseEntry(entry);
      live--;
    }
    if (live <= WEBASM_MEMORY_BUDGET) return;
  }
}

/** Forgets kernels whose GPU was destroyed. */
export function webasmKernelsDestroyed(gone: Iterable<WebasmKernel>): void {
  for (const k of gone) kernels.delete(k);
}

/** The memories the live webasm kernels hold now. */
export function liveWebasmMemories(): number {
  let n = 0;
  for (const k of kernels) n += k._moduleCache.size;
  return n;
}
