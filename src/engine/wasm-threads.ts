// Runs a wasm kernel on several threads at once: this thread and T − 1 workers, each with its own
// instance of the module over the one shared memory. Every kernel takes (piece, pieces) last and
// does that piece of its work (kernels/matmul.as.ts `share`); a run posts the kernel and its
// arguments in a shared control block, and every thread claims pieces from an atomic counter until
// none are left. Claiming rather than a fixed half each keeps a run from waiting on a thread that
// another process has pushed off its core: whoever is running takes the next piece. Partial sums
// are kept per piece, so results do not depend on which thread ran what.
//
// Workers spin on the control block for a while before sleeping, since a training step runs
// kernels back to back, microseconds apart. They come from a `WorkerSpawner`
// (src/engine/node-workers.ts in Node; `browserWorkers` below in a page), so this file uses nothing
// that only one platform has.

/** Int32 slots of the control block. */
const SEQ = 0; // bumped for every run
const KERNEL = 1; // which kernel: an index into the names the workers were given
const ARG_COUNT = 2;
const FAILED = 3; // a worker's kernel threw
const STOP = 4;
const CLAIM = 5; // (run << 7) | next piece: a claim is only good for the run it names
const FINISHED = 6; // pieces of the current run done
const PIECES = 7;
const CONTROL_INTS = 8;
const MAX_THREADS = 64;
const MAX_PIECES = 127; // the claim word's low 7 bits
const RUN_MASK = 0xffffff;
const ARGS_BYTE = 64;
const MAX_ARGS = 24;
/**
 * How long a waiting thread polls before it sleeps: 2^16 polls, 0.3–0.5 ms on this project's 2-core
 * VM. That outlasts the host's work between a step's kernels (the serial small ones, the next
 * batch), so a worker is awake when the next parallel kernel comes: at 2^12 polls (~25 µs) one was
 * asleep for ~3 kernels a step, which this thread then ran alone. The WaveNet recipe on 2 threads
 * measured 3–5 % faster at 2^16 than at 2^12, 2^14 and 2^18 in between, alternating blocks of steps
 * in one process. A thread only polls that long after a run; then it sleeps until the next.
 */
const SPINS = 1 << 16;
const SLEEP_MS = 50;
const WORKER_TIMEOUT_MS = 30_000;

/** What a worker gets, as structured-clonable data. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  thread: number;
  threads: number;
  kernels: string[];
}

/** A started worker, as a {@link WorkerSpawner} hands it back. */
export interface SpawnedWorker {
  /** Resolves once the worker has its instance and waits for runs; rejects if it failed to start. */
  ready: Promise<void>;
  terminate(): void;
}

/** Starts a worker that runs `source` (plain JavaScript) with `init`. */
export type WorkerSpawner = (source: string, init: WorkerInit) => SpawnedWorker;

// The worker's whole program. It runs in a Node worker_threads Worker (eval'd, CommonJS) or a
// browser Worker (from a Blob), and blocks in its loop until told to stop.
const WORKER_SOURCE = `
function serve(init, ready) {
  const exports = new WebAssembly.Instance(init.module, { env: { memory: init.memory } }).exports;
  const kernels = init.kernels.map((name) => exports[name]);
  const ctl = new Int32Array(init.control, 0, ${CONTROL_INTS});
  const args = new Float64Array(init.control, ${ARGS_BYTE}, ${MAX_ARGS});
  let seen = Atomics.load(ctl, ${SEQ});
  ready();
  for (;;) {
    let spins = 0;
    while (Atomics.load(ctl, ${SEQ}) === seen) {
      if (++spins > ${SPINS}) Atomics.wait(ctl, ${SEQ}, seen, ${SLEEP_MS});
    }
    seen = Atomics.load(ctl, ${SEQ});
    if (Atomics.load(ctl, ${STOP})) return;
    const kernel = kernels[ctl[${KERNEL}]];
    const pieces = ctl[${PIECES}];
    const call = Array.from(args.subarray(0, ctl[${ARG_COUNT}]));
    const run = seen & ${RUN_MASK};
    for (;;) {
      const claim = Atomics.load(ctl, ${CLAIM});
      const piece = claim & ${MAX_PIECES};
      // a later run has begun, or this one has no pieces left: wait for the next
      if (claim >>> 7 !== run || piece >= pieces) break;
      if (Atomics.compareExchange(ctl, ${CLAIM}, claim, claim + 1) !== claim) continue;
      try {
        kernel(...call, piece, pieces);
      } catch (e) {
        Atomics.store(ctl, ${FAILED}, init.thread);
        throw e;
      } finally {
        if (Atomics.add(ctl, ${FINISHED}, 1) + 1 === pieces) Atomics.notify(ctl, ${FINISHED});
      }
    }
  }
}
if (typeof require === 'function') {
  const { workerData, parentPort } = require('node:worker_threads');
  serve(workerData, () => parentPort.postMessage('ready'));
} else {
  self.onmessage = (e) => serve(e.data, () => self.postMessage('ready'));
}
`;

/** Whether this thread may Atomics.wait (Node's main thread and workers may; a browser's main thread may not). */
const canBlock = (() => {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
})();

export class ThreadPool {
  private readonly ctl: Int32Array;
  private readonly args: Float64Array;
  private seq = 0;
  /** How many pieces a parallel run is cut into: a few per thread, so a late thread costs little. */
  readonly pieces: number;

  private constructor(
    private readonly kernels: ((...args: number[]) => void)[],
    readonly threads: number,
    control: SharedArrayBuffer,
    private readonly workers: SpawnedWorker[],
  ) {
    this.ctl = new Int32Array(control, 0, CONTROL_INTS);
    this.args = new Float64Array(control, ARGS_BYTE, MAX_ARGS);
    this.pieces = threads === 1 ? 1 : Math.min(64, 4 * threads);
  }

  /** `exports` is this thread's instance; `names` the kernels runs may name, in the order `run` indexes them. */
  static async start(module: WebAssembly.Module, memory: WebAssembly.Memory, exports: WebAssembly.Exports, names: string[], threads: number, spawn?: WorkerSpawner): Promise<ThreadPool> {
    if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) throw new RangeError(`threads must be an integer from 1 to ${MAX_THREADS}, got ${threads}`);
    const control = new SharedArrayBuffer(ARGS_BYTE + MAX_ARGS * 8);
    const kernels = names.map((name) => exports[name] as (...args: number[]) => void);
    const workers: SpawnedWorker[] = [];
    if (threads > 1) {
      const spawner = spawn ?? browserWorkers();
      if (!spawner) throw new Error(`${threads} threads need workers, and this platform has no Worker to start them with`);
      for (let thread = 1; thread < threads; thread++) workers.push(spawner(WORKER_SOURCE, { module, memory, control, thread, threads, kernels: names }));
      try {
        await Promise.all(workers.map((w) => w.ready));
      } catch (e) {
        for (const w of workers) w.terminate();
        throw e;
      }
    }
    return new ThreadPool(kernels, threads, control, workers);
  }

  /**
   * Runs kernel `index` with `args` in `this.pieces` pieces over every thread; when `parallel` is
   * false, in one piece here. Returns when every piece is done.
   */
  run(index: number, args: number[], parallel = true): void {
    const kernel = this.kernels[index];
    if (!parallel || this.threads === 1) {
      kernel(...args, 0, 1);
      return;
    }
    const { ctl, pieces } = this;
    const seq = ++this.seq;
    this.args.set(args);
    ctl[KERNEL] = index;
    ctl[ARG_COUNT] = args.length;
    ctl[PIECES] = pieces;
    ctl[FINISHED] = 0;
    Atomics.store(ctl, CLAIM, (seq & RUN_MASK) << 7);
    Atomics.store(ctl, SEQ, seq);
    Atomics.notify(ctl, SEQ);
    for (let piece = Atomics.add(ctl, CLAIM, 1) & MAX_PIECES; piece < pieces; piece = Atomics.add(ctl, CLAIM, 1) & MAX_PIECES) {
      kernel(...args, piece, pieces);
      Atomics.add(ctl, FINISHED, 1);
    }
    this.waitForPieces(pieces);
    if (ctl[FAILED]) throw new Error(`wasm kernel ${index} failed on worker ${ctl[FAILED]} (its error is printed by the worker)`);
  }

  private waitForPieces(pieces: number): void {
    let spins = 0;
    let since = 0;
    for (let done = Atomics.load(this.ctl, FINISHED); done !== pieces; done = Atomics.load(this.ctl, FINISHED)) {
      if (++spins < SPINS) continue;
      spins = 0;
      // a browser's main thread may not block: it keeps polling
      if (canBlock) Atomics.wait(this.ctl, FINISHED, done, SLEEP_MS);
      since ||= performance.now();
      if (performance.now() - since > WORKER_TIMEOUT_MS) throw new Error(`wasm workers have not finished a kernel in ${WORKER_TIMEOUT_MS / 1000} s`);
    }
  }

  destroy(): void {
    Atomics.store(this.ctl, STOP, 1);
    Atomics.store(this.ctl, SEQ, ++this.seq);
    Atomics.notify(this.ctl, SEQ);
    for (const w of this.workers) w.terminate();
  }
}

/** Browser (and any platform with a global Worker): workers from a Blob of the source. */
function browserWorkers(): WorkerSpawner | null {
  const g = globalThis as { Worker?: new (url: string) => { postMessage(m: unknown): void; onmessage: ((e: unknown) => void) | null; onerror: ((e: { message?: string }) => void) | null; terminate(): void }; Blob?: typeof Blob; URL?: typeof URL };
  if (!g.Worker || !g.Blob || !g.URL?.createObjectURL) return null;
  const WorkerClass = g.Worker;
  return (source, init) => {
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    const worker = new WorkerClass(url);
    const ready = new Promise<void>((resolve, reject) => {
      worker.onmessage = () => resolve();
      worker.onerror = (e) => reject(new Error(`wasm worker failed to start: ${e.message ?? 'unknown error'}`));
    });
    worker.postMessage(init);
    return { ready, terminate: () => (worker.terminate(), URL.revokeObjectURL(url)) };
  };
}
