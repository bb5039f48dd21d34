// ConvOps on the hand-written WebAssembly SIMD kernels (kernels/*.as.ts), on one or more threads over
// one shared memory. Parameters, gradients and optimizer moments live in that memory (`allocate`),
// and every result is a view of it, so activations pass from op to op without a copy; an argument
// that lives elsewhere (a batch's indices, a test's input) is copied in for the call.

import { WASM_KERNELS_BASE64, WASM_KERNELS_RELAXED_BASE64 } from '../../kernels/wasm-binary.generated.ts';
import type { ConvShape } from '../../kernels/conv1d.ts';
import { dropoutKeep, dropoutState, dropoutThreshold, type DropoutMask } from '../../kernels/dropout.ts';
import type { AdamWTensors, ConvOps, PrimitiveOps } from './ops.ts';
import type { AdamWHyper } from '../../kernels/pointwise.ts';
import { MAX_PASS_BYTES, WasmMemory } from './wasm-memory.ts';
import type { BackendLimits } from './backend-limits.ts';
import { ThreadPool, type WorkerSpawner } from './wasm-threads.ts';

/**
 * The kernels' two builds (scripts/build-wasm.mjs): plain SIMD, and relaxed SIMD, whose products
 * multiply-add with relaxed_madd (one rounding where the engine fuses it, as x64's FMA does).
 */
export type SimdVariant = 'plain' | 'relaxed';

/** How {@link createWasmOps} runs its kernels. */
export interface WasmOptions {
  /** Threads to run each kernel on, this one included (default 1). */
  threads?: number;
  /** Which build runs (default: relaxed where this engine takes it, see {@link relaxedSimdAvailable}). */
  simd?: SimdVariant;
  /** How to start worker threads (src/engine/node-workers.ts in Node); a browser's Worker by default. */
  spawn?: WorkerSpawner;
}

/** The ops on the WebAssembly SIMD kernels, and how many threads run them. */
export interface WasmOps extends ConvOps {
  readonly threads: number;
  readonly simd: SimdVariant;
  /** Stops the workers; the ops must not be used afterwards (arrays they allocated stay readable). */
  destroy(): void;
}

const KERNELS = [
  'embedding_forward',
  'embedding_backward',
  'conv_forward',
  'conv_backward_input',
  'conv_backward_weight',
  'conv_tap_sums',
  'transpose_blocks',
  'bn_partial_stats',
  'bn_finish_stats',
  'bn_forward',
  'bn_backward_sums',
  'bn_backward_dx',
  'tanh_forward',
  'tanh_backward',
  'relu_forward',
  'relu_backward',
  'add_or_multiply',
  'gate_forward',
  'gate_backward',
  'ln_forward',
  'ln_backward_dx',
  'ln_backward_params',
  'head_forward',
  'cross_entropy',
  'head_cross_entropy',
  'head_backward_input',
  'head_backward_weight',
  'zero_bytes',
  'sgd_update',
  'adamw_update_all',
  'dropout_apply',
  'ln_gate_forward',
  'ln_gate_backward_dx',
] as const;
type Kernel = (typeof KERNELS)[number];
const KERNEL_INDEX = new Map<Kernel, number>(KERNELS.map((kernel, i) => [kernel, i]));

/** Elementwise work below this many elements runs on this thread alone: waking the others costs more. */
const PARALLEL_MIN_ELEMENTS = 16384;
/** …and so do kernels over fewer positions than this (generation's one name at a time, say). */
const PARALLEL_MIN_ROWS = 64;

/** Kernels index with 32-bit integers into a memory of at most 4 GiB; a pass's results share a 1 GiB arena. */
const WASM_LIMITS: BackendLimits = { textureSide: Infinity, exactIndex: 2 ** 30, loopBudget: Infinity, passBytes: MAX_PASS_BYTES };

/** A conv's first tap over the positions it reads (kernels/conv1d.as.ts tap_sources): byte addresses, and U. */
interface FirstTap {
  src: number;
  rank: number;
  U: number;
  sums: number;
}

const compiled = new Map<SimdVariant, Promise<WebAssembly.Module>>();

/** The kernels' module, compiled once per process and variant. */
function wasmModule(simd: SimdVariant): Promise<WebAssembly.Module> {
  let module = compiled.get(simd);
  if (!module) compiled.set(simd, (module = WebAssembly.compile(wasmBytes(simd))));
  return module;
}

/** Why the wasm backend cannot run here, or null when it can (SIMD, threads' shared memory). */
export function wasmUnavailableReason(): string | null {
  if (typeof WebAssembly !== 'object') return 'no WebAssembly in this JavaScript engine';
  if (typeof SharedArrayBuffer !== 'function') return 'no SharedArrayBuffer (a browser page needs cross-origin isolation: COOP/COEP headers)';
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch (e) {
    return `no shared WebAssembly memory: ${(e as Error).message}`;
  }
  return WebAssembly.validate(wasmBytes('plain')) ? null : 'this WebAssembly engine rejects the kernels (it lacks SIMD or threads)';
}

/**
 * Whether this engine takes the relaxed-SIMD build: current browsers and Node ≥ 22 do; Node 20 only
 * behind a V8 flag, which the CLI sets itself (node-relaxed-simd.ts). Asked afresh each time, as
 * that flag may be set after a first answer.
 */
export function relaxedSimdAvailable(): boolean {
  return WebAssembly.validate(wasmBytes('relaxed'));
}

/** The build {@link createWasmOps} runs by default: relaxed where this engine takes it, else plain. */
export function preferredSimd(): SimdVariant {
  return relaxedSimdAvailable() ? 'relaxed' : 'plain';
}

const decoded = new Map<SimdVariant, Uint8Array<ArrayBuffer>>();

// decoded once: validated, then compiled
function wasmBytes(simd: SimdVariant): Uint8Array<ArrayBuffer> {
  let bytes = decoded.get(simd);
  if (!bytes) decoded.set(simd, (bytes = Uint8Array.from(atob(simd === 'relaxed' ? WASM_KERNELS_RELAXED_BASE64 : WASM_KERNELS_BASE64), (c) => c.charCodeAt(0))));
  return bytes;
}

/**
 * The ops on the hand-written WebAssembly SIMD kernels: the fast CPU backend. Needs WebAssembly SIMD
 * and shared memory (any current Node; a browser page that is cross-origin isolated).
 */
export async function createWasmOps(options: WasmOptions = {}): Promise<WasmOps> {
  const simd = options.simd ?? preferredSimd();
  if (simd === 'relaxed' && !relaxedSimdAvailable()) throw new Error('this WebAssembly engine does not take relaxed SIMD (Node 20: --experimental-wasm-relaxed-simd)');
  const module = await wasmModule(simd);
  const mem = new WasmMemory();
  const exports = (await WebAssembly.instantiate(module, { env: { memory: mem.memory } })).exports;
  const pool = await ThreadPool.start(module, mem.memory, exports, [...KERNELS], options.threads ?? 1, options.spawn);
  const tapSources = exports.tap_sources as (start: number, P: number, off: number, src: number, rank: number) => number;
  // per-piece partial sums and scratch: a parallel kernel runs in pool.pieces pieces, a small one in 1
  const pieces = pool.pieces;
  const run = (kernel: Kernel, args: number[], parallel: boolean) => pool.run(KERNEL_INDEX.get(kernel)!, args, parallel);
  const byRows = (P: number) => P >= PARALLEL_MIN_ROWS;
  const piecesFor = (P: number) => (byRows(P) ? pieces : 1);

  const at = (a: Float32Array | Int32Array) => mem.place(a);
  const out = (length: number) => mem.f32(mem.passBytes(length * 4), length);
  const scratch = (bytes: number) => mem.passBytes(bytes);
  // an array an op updates in place: used where it lives, else copied in and back
  const inPlace = (arrays: Float32Array[], body: (ptrs: number[]) => void) => {
    const ptrs = arrays.map((a) => mem.place(a));
    body(ptrs);
    arrays.forEach((a, i) => {
      if (mem.addressOf(a) < 0) a.set(mem.f32(ptrs[i], a.length));
    });
  };
  // mean, unbiased variance (C) from the partial sums (piecesFor(P), 2, C) a kernel over P rows left
  const finishStats = (partials: number, P: number, C: number) => {
    const mean = out(C);
    const variance = out(C);
    run('bn_finish_stats', [partials, P, C, piecesFor(P), mem.addressOf(mean), mem.addressOf(variance)], false);
    return { mean, variance };
  };
  // per-piece f64 sums (pieces, 2, C) for BatchNorm's statistics or its backward
  const statsPartials = (C: number) => scratch(pieces * 2 * C * 8);
  const transposed = (w: Float32Array, R: number, C: number, count: number) => {
    const wT = scratch(w.length * 4);
    run('transpose_blocks', [at(w), wT, R, C, count], w.length >= PARALLEL_MIN_ELEMENTS);
    return wT;
  };
  const ptr = (a: Float32Array) => mem.addressOf(a);
  // a kernel's dropout arguments: the generator's state, the u32 threshold (0: none) and the kept scale
  const dropoutArgs = (mask: DropoutMask | null) => (mask ? [dropoutState(mask), dropoutThreshold(mask), dropoutKeep(mask)] : [0, 0, 1]);
  // a weight gradient's input transposed, (C, P): matmul.as.ts matmulTransposedA
  const transposeScratch = (C: number, P: number) => scratch(C * P * 4);
  // inputs (N) → a new (N), `scalars` passed between the output and N
  const elementwise = (kernel: Kernel, inputs: Float32Array[], scalars: number[] = []) => {
    const N = inputs[0].length;
    const y = out(N);
    run(kernel, [...inputs.map(at), ptr(y), ...scalars, N], N >= PARALLEL_MIN_ELEMENTS);
    return y;
  };

  const ops: PrimitiveOps = {
    name: `wasm${simd === 'relaxed' ? ' relaxed' : ''}${pool.threads === 1 ? '' : ` ×${pool.threads}`}`,
    limits: WASM_LIMITS,
    allocate: (length) => mem.allocate(length),
    beginPass: () => mem.beginPass(),

    embeddingForward: (table, idx, C) => {
      const y = out(idx.length * C);
      run('embedding_forward', [at(table), at(idx), ptr(y), idx.length, C], byRows(idx.length));
      return y;
    },
    embeddingBackward: (dy, idx, C, dtable) =>
      inPlace([dtable], ([d]) => run('embedding_backward', [at(dy), at(idx), d, idx.length, dtable.length / C, C], byRows(idx.length))),

    convForward: (x, w, bias, start, s) => convForward(x, w, bias, start, s, 0, null),
    convBackwardInput: (dy, w, start, s) => {
      const startAt = at(start);
      return convBackwardInput(dy, w, startAt, s, null, firstTap(startAt, s));
    },
    convBackwardWeight,
    convBackward: (x, dy, w, start, s, dw, dbias) => convBackward(x, dy, w, start, s, dw, dbias ?? null, null),

    bnStats: (x, s) => {
      const partials = statsPartials(s.C);
      run('bn_partial_stats', [at(x), s.P, s.C, partials], byRows(s.P));
      return finishStats(partials, s.P, s.C);
    },
    bnForward: (x, mean, variance, gamma, beta, eps, s) => bnForward(x, mean, variance, gamma, beta, eps, s.P, s.C, false),
    bnBackward: (dy, x, mean, variance, gamma, eps, training, s, dgamma, dbeta) => bnBackward(null, dy, x, mean, variance, gamma, eps, training, s.P, s.C, dgamma, dbeta),

    tanhForward: (x) => elementwise('tanh_forward', [x]),
    tanhBackward: (y, dy) => elementwise('tanh_backward', [y, dy]),

    gateForward: (x, s) => {
      const y = out(s.P * s.C);
      run('gate_forward', [at(x), ptr(y), s.P, s.C], s.P * s.C >= PARALLEL_MIN_ELEMENTS);
      return y;
    },
    gateBackward: (x, dy, s) => {
      const dx = out(s.P * 2 * s.C);
      run('gate_backward', [at(x), at(dy), ptr(dx), s.P, s.C], s.P * s.C >= PARALLEL_MIN_ELEMENTS);
      return dx;
    },
    lnForward: (x, gamma, beta, eps, s) => {
      const y = out(s.P * s.C);
      run('ln_forward', [at(x), at(gamma), at(beta), eps, ptr(y), scratch(s.P * 8), s.P, s.C], byRows(s.P));
      return y;
    },
    lnBackward: (dy, x, gamma, eps, s, dgamma, dbeta) => {
      const dx = out(s.P * s.C);
      const [dyAt, xAt, stats] = [at(dy), at(x), scratch(s.P * 8)];
      run('ln_backward_dx', [dyAt, xAt, at(gamma), eps, ptr(dx), stats, s.P, s.C], byRows(s.P));
      inPlace([dgamma, dbeta], ([pg, pb]) => run('ln_backward_params', [dyAt, xAt, stats, pg, pb, s.P, s.C], byRows(s.P)));
      return dx;
    },
    reluForward: (x) => elementwise('relu_forward', [x]),
    reluBackward: (y, dy) => elementwise('relu_backward', [y, dy]),
    add: (a, b) => elementwise('add_or_multiply', [a, b], [0]),
    multiply: (a, b) => elementwise('add_or_multiply', [a, b], [1]),

    headForward: (h, w, b, s) => {
      const logits = out(s.P * s.V);
      run('head_forward', [at(h), at(w), at(b), ptr(logits), s.P, s.H, s.V], byRows(s.P));
      return logits;
    },
    crossEntropy: (logits, target, weight, s) => {
      const loss = out(s.P);
      const dlogits = out(s.P * s.V);
      run('cross_entropy', [at(logits), at(target), at(weight), ptr(loss), ptr(dlogits), s.P, s.V], byRows(s.P));
      return { loss, dlogits };
    },
    headBackward: (dlogits, h, w, s, dw, db) => {
      const wT = transposed(w, s.H, s.V, 1);
      const dh = out(s.P * s.H);
      run('head_backward_input', [at(dlogits), wT, ptr(dh), s.P, s.H, s.V], byRows(s.P));
      inPlace([dw, db], ([pw, pb]) => run('head_backward_weight', [at(dlogits), at(h), pw, pb, transposeScratch(s.H, s.P), s.P, s.H, s.V], byRows(s.P)));
      return dh;
    },

    sgdUpdate: (w, g, lr) => inPlace([w], ([pw]) => run('sgd_update', [pw, at(g), lr, w.length], w.length >= PARALLEL_MIN_ELEMENTS)),
    adamwUpdate: (w, g, m, v, h) => adamwUpdateAll([{ w, g, m, v }], h),
  };

  // one call: a table of (w, g, m, v, length) and pieces over the tensors' concatenation; 1 − β and
  // the step's scalars in float64 here (kernels/pointwise.as.ts)
  function adamwUpdateAll(tensors: AdamWTensors[], h: AdamWHyper): void {
    inPlace(
      tensors.flatMap((t) => [t.w, t.m, t.v]),
      (ptrs) => {
        const table = mem.i32(scratch(tensors.length * 20), tensors.length * 5);
        tensors.forEach((t, k) => table.set([ptrs[3 * k], at(t.g), ptrs[3 * k + 1], ptrs[3 * k + 2], t.w.length], 5 * k));
        const total = tensors.reduce((n, t) => n + t.w.length, 0);
        const hyper = [h.beta1, h.beta2, 1 - h.beta1, 1 - h.beta2, h.eps, h.lr * h.weightDecay, h.lr / (1 - h.beta1 ** h.step), 1 / Math.sqrt(1 - h.beta2 ** h.step)];
        run('adamw_update_all', [table.byteOffset, tensors.length, total, ...hyper], total >= PARALLEL_MIN_ELEMENTS);
      },
    );
  }

  // A conv's first tap over its sources (conv1d.as.ts): src (U), rank (P + 1), and room for their tap
  // sums (U, Cout), which the backward to the input leaves for the backward to the weight; null for K = 1
  function firstTap(start: number, s: ConvShape): FirstTap | null {
    if (s.K === 1) return null;
    const [src, rank] = [scratch(s.P * 4), scratch((s.P + 1) * 4)];
    const U = tapSources(start, s.P, (s.K - 1) * s.dilation, src, rank);
    return { src, rank, U, sums: scratch(U * s.cOut * 4) };
  }

  // partials: where the kernel leaves BatchNorm's per-piece sums of y, or 0 for none; addend: what it adds to y
  function convForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, start: Int32Array, s: ConvShape, partials: number, addend: Float32Array | null) {
    const y = out(s.P * s.cOut);
    const startAt = at(start);
    const tap = firstTap(startAt, s);
    // the first tap's products: each piece's rows one apart (neighbouring pieces may share a source)
    const z = tap ? scratch((tap.U + pieces) * s.cOut * 4) : 0;
    run('conv_forward', [at(x), at(w), bias ? at(bias) : 0, startAt, ptr(y), s.P, s.cIn, s.cOut, s.K, s.dilation, partials, addend ? at(addend) : 0, tap?.src ?? 0, tap?.rank ?? 0, z], byRows(s.P));
    return y;
  }

  // startAt: the batch's word starts, placed once for every kernel of the op; tap: firstTap's
  function convBackwardInput(dy: Float32Array, w: Float32Array, startAt: number, s: ConvShape, addend: Float32Array | null, tap: FirstTap | null) {
    const wT = transposed(w, s.cIn, s.cOut, s.K);
    const dx = out(s.P * s.cIn);
    const between = scratch(Math.max(0, s.K - 2) * s.P * s.cOut * 4);
    const gathered = tap ? scratch(tap.U * s.cIn * 4) : 0;
    run('conv_backward_input', [at(dy), wT, startAt, between, ptr(dx), addend ? at(addend) : 0, s.P, s.cIn, s.cOut, s.K, s.dilation, tap?.src ?? 0, tap?.rank ?? 0, tap?.sums ?? 0, gathered], byRows(s.P));
    return dx;
  }

  // both gradients, the weight's from the first tap's sums the input's left; addend: what is added to dx, or null
  function convBackward(x: Float32Array, dy: Float32Array, w: Float32Array, start: Int32Array, s: ConvShape, dw: Float32Array, dbias: Float32Array | null, addend: Float32Array | null) {
    const startAt = at(start);
    const tap = firstTap(startAt, s);
    const dx = convBackwardInput(dy, w, startAt, s, addend, tap);
    backwardWeight(x, dy, startAt, s, dw, dbias, tap);
    return dx;
  }

  function convBackwardWeight(x: Float32Array, dy: Float32Array, start: Int32Array, s: ConvShape, dw: Float32Array, dbias: Float32Array | null) {
    const startAt = at(start);
    const tap = firstTap(startAt, s);
    if (tap) run('conv_tap_sums', [at(dy), startAt, tap.src, tap.rank, tap.sums, s.P, s.cOut, (s.K - 1) * s.dilation], byRows(s.P));
    backwardWeight(x, dy, startAt, s, dw, dbias, tap);
  }

  // tap: the first tap's sources with their sums filled in
  function backwardWeight(x: Float32Array, dy: Float32Array, startAt: number, s: ConvShape, dw: Float32Array, dbias: Float32Array | null, tap: FirstTap | null) {
    inPlace(dbias ? [dw, dbias] : [dw], ([w, b]) =>
      run('conv_backward_weight', [at(x), at(dy), startAt, w, b ?? 0, transposeScratch(s.cIn, s.P), s.P, s.cIn, s.cOut, s.K, s.dilation, tap?.src ?? 0, tap?.U ?? 0, tap?.sums ?? 0, tap ? transposeScratch(s.cIn, tap.U) : 0], byRows(s.P)),
    );
  }

  function bnForward(x: Float32Array, mean: Float32Array, variance: Float32Array, gamma: Float32Array, beta: Float32Array, eps: number, P: number, C: number, withTanh: boolean) {
    const y = out(P * C);
    run('bn_forward', [at(x), at(mean), at(variance), at(gamma), at(beta), eps, ptr(y), P, C, withTanh ? 1 : 0, scratch(pieces * 2 * C * 4)], byRows(P));
    return y;
  }

  // y: the tanh output when the backward goes through tanh first, else null
  function bnBackward(y: Float32Array | null, dy: Float32Array, x: Float32Array, mean: Float32Array, variance: Float32Array, gamma: Float32Array, eps: number, training: boolean, P: number, C: number, dgamma: Float32Array, dbeta: Float32Array) {
    const partials = statsPartials(C);
    const dyAt = at(dy);
    const dh = y ? scratch(P * C * 4) : dyAt;
    run('bn_backward_sums', [dyAt, y ? at(y) : 0, at(x), at(mean), dh, P, C, partials], byRows(P));
    const dx = out(P * C);
    inPlace([dgamma, dbeta], ([pg, pb]) =>
      // the same P, so the same pieces as bn_backward_sums: it combines that many partial sums
      run('bn_backward_dx', [dh, at(x), at(mean), at(variance), at(gamma), eps, training ? 1 : 0, partials, ptr(dx), pg, pb, P, C, scratch(pieces * 3 * C * 4)], byRows(P)),
    );
    return dx;
  }

  return {
    ...ops,
    threads: pool.threads,
    simd,
    destroy: () => pool.destroy(),
    // the fused kernels
    convForwardStats: (x, w, start, s) => {
      const partials = statsPartials(s.cOut);
      return { y: convForward(x, w, null, start, s, partials, null), ...finishStats(partials, s.P, s.cOut) };
    },
    convForwardAdd: (x, w, bias, start, s, addend) => convForward(x, w, bias, start, s, 0, addend),
    convBackwardAdd: convBackward,
    bnTanhForward: (x, mean, variance, gamma, beta, eps, s) => bnForward(x, mean, variance, gamma, beta, eps, s.P, s.C, true),
    dropout: (x, mask) => elementwise('dropout_apply', [x], dropoutArgs(mask)),
    // saved: [tanh f | σ(g)] (P, 2C), then each row's LayerNorm [mean, rstd] (P, 2)
    lnGateForward: (x, gamma, beta, eps, mask, s, keep) => {
      const y = out(s.P * s.C);
      const saved = keep ? out(s.P * (2 * s.C + 2)) : null;
      const stats = saved ? ptr(saved) + s.P * 2 * s.C * 4 : scratch(s.P * 8);
      run('ln_gate_forward', [at(x), at(gamma), at(beta), eps, ptr(y), saved ? ptr(saved) : 0, stats, ...dropoutArgs(mask), s.P, s.C], byRows(s.P));
      return { y, saved };
    },
    lnGateBackward: (dy, x, saved, gamma, _eps, mask, s, dgamma, dbeta) => {
      const dx = out(s.P * 2 * s.C);
      const [xAt, savedAt, dh] = [at(x), at(saved), scratch(s.P * 2 * s.C * 4)];
      const stats = savedAt + s.P * 2 * s.C * 4;
      run('ln_gate_backward_dx', [at(dy), xAt, savedAt, stats, at(gamma), ptr(dx), dh, ...dropoutArgs(mask), s.P, s.C], byRows(s.P));
      inPlace([dgamma, dbeta], ([pg, pb]) => run('ln_backward_params', [dh, xAt, stats, pg, pb, s.P, 2 * s.C], byRows(s.P)));
      return dx;
    },
    tanhBnBackward: (y, dy, x, mean, variance, gamma, eps, training, s, dgamma, dbeta) => bnBackward(y, dy, x, mean, variance, gamma, eps, training, s.P, s.C, dgamma, dbeta),
    zero: (arrays) => {
      for (const a of arrays) {
        const p = mem.addressOf(a);
        if (p < 0) a.fill(0);
        else run('zero_bytes', [p, a.byteLength], false);
      }
    },
    adamwUpdateAll,
    headCrossEntropy: (h, w, b, target, weight, s) => {
      const logits = out(s.P * s.V);
      const loss = out(s.P);
      const dlogits = out(s.P * s.V);
      run('head_cross_entropy', [at(h), at(w), at(b), at(target), at(weight), ptr(logits), ptr(loss), ptr(dlogits), s.P, s.H, s.V], byRows(s.P));
      return { logits, loss, dlogits };
    },
  };
}
