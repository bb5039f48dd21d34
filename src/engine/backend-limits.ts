// What one kernel call of a backend can take. Each backend states its limits (ConvOps.limits) and
// its ops respect them: a gpu.js backend splits a batch into calls that fit (chunked-ops.ts), the
// CLI refuses up front what cannot fit at all (src/commands/limits.ts). Past these limits GL and
// gpu.js's WebAssembly return wrong numbers without an error, so they are never approached.

import { MAX_POSITIONS } from '../../kernels/spec.ts';
import { paddedRows } from '../../kernels/layout.ts';

/** The limits of one backend's kernel calls (Infinity: none). */
export interface BackendLimits {
  /** Rows a 2-D output may have: a GL output texture's side, MAX_TEXTURE_SIZE. */
  readonly textureSide: number;
  /** Elements an array may hold and still be indexed exactly: 2^24 where kernels compute indices in float32. */
  readonly exactIndex: number;
  /** Loop iterations one kernel invocation may run in all: Mesa's llvmpipe stops a shader at 65,535, silently. */
  readonly loopBudget: number;
  /** Bytes the results of one forward/backward pass may take (the wasm backend's arena). */
  readonly passBytes: number;
}

/** float32 represents every integer up to 2^24 exactly, and not 2^24 + 1. */
export const FLOAT32_EXACT_INDEX = 2 ** 24;

/** No limit but the host's: the reference ops (JavaScript numbers index exactly to 2^53). */
export const UNLIMITED: BackendLimits = { textureSide: Infinity, exactIndex: 2 ** 53, loopBudget: Infinity, passBytes: Infinity };

/** A gpu.js kernel loops over the rows of a call at most this often per invocation (bnStats: twice). */
const ROW_LOOPS = 2;

/**
 * The most rows one gpu.js call over (rows, `width`) arrays may take: its output texture, the exact
 * index range of its widest array, its loops over the rows, and gpu.js's cap on a loop (MAX_POSITIONS),
 * all for the padded rows it really runs at (kernels/layout.ts).
 */
export function rowsPerCall(limits: BackendLimits, width: number): number {
  return fittingRows(Math.min(MAX_POSITIONS, limits.textureSide, Math.floor(limits.loopBudget / ROW_LOOPS), Math.floor(limits.exactIndex / width)));
}

/** The most elements one gpu.js call over flat arrays of `width`·N elements may take (1-D outputs are square textures). */
export function elementsPerCall(limits: BackendLimits, width: number): number {
  return fittingRows(Math.floor(limits.exactIndex / width));
}

// the largest n whose padded size is at most `cap`
function fittingRows(cap: number): number {
  let n = cap;
  while (paddedRows(n) > cap) n -= paddedRows(n) - cap;
  return n;
}
