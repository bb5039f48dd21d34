// What every gpu.js kernel in this folder shares: the `this` its body sees, and the spec a
// runner (src/engine/gpu-ops.ts) builds it from. No gpu.js import here, so the folder stays
// plain data + functions that any bundler can ship to a browser.

/** `this` inside a gpu.js kernel body: the cell it computes, the output size, the baked-in sizes. */
export interface KernelThis<C> {
  readonly thread: { readonly x: number; readonly y: number; readonly z: number };
  readonly output: { readonly x: number; readonly y: number; readonly z: number };
  readonly constants: C;
}

/** Sizes and flags baked into a kernel as gpu.js `constants`. */
export type KernelConstants = Record<string, number | boolean>;

/** What a blocked kernel returns per cell (gpu.js returnType 'Array(4)'): 4 elements of its result. */
export type Block = [number, number, number, number];

/**
 * How a blocked kernel's cells tile the matrix it computes (layout.ts, "Blocked kernels"):
 * 'rows': component i of cell (x, y, z) is row 4y + i, column x of slice z, a (rows, output.x) matrix;
 * 'columns': component i of cell (x, y) is row x, column 4y + i of a (rows, columns) matrix.
 * Cells past `rows` / `columns` (the padding of the last block, and of the batch) are dropped.
 */
export type Blocking = { readonly along: 'rows'; readonly rows: number } | { readonly along: 'columns'; readonly rows: number; readonly columns: number };

/**
 * One kernel for one shape. `constants` are the sizes that shape the loops (gpu.js bakes them in,
 * and GL backends need constant loop bounds), so a runner builds one kernel per (source, constants).
 * `output` is gpu.js order, fastest axis first: [C, P] is the (P, C) layout. It holds the batch's
 * padded size (layout.ts), which varies between batches, so runners set it per call (dynamicOutput)
 * instead of rebuilding. A spec with `blocking` returns a Block per cell.
 */
export interface KernelSpec<C extends KernelConstants> {
  readonly source: (this: KernelThis<C>, ...args: never[]) => number | Block;
  readonly constants: C;
  readonly output: readonly number[];
  readonly blocking?: Blocking;
}

/**
 * Loops over the P positions take P as an argument, and gpu.js caps any loop whose bound is not a
 * literal or constant at `loopMaxIterations` (on every backend, cpu included): runners must build
 * kernels with this cap and refuse batches larger than it, or those sums would be silently cut short.
 */
export const MAX_POSITIONS = 1 << 16;
