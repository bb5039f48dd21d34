// Workers for the wasm backend's thread pool in Node (worker_threads). Node-only: the CLI, the tests
// and the bench pass it to createWasmOps; a page uses the platform's Worker instead.

import { Worker } from 'node:worker_threads';
import type { WorkerSpawner } from './wasm-threads.ts';

/** Starts the wasm backend's worker threads in Node (worker_threads). */
export const nodeWorkers: WorkerSpawner = (source, init) => {
  const worker = new Worker(source, { eval: true, workerData: init });
  // a blocked worker must not keep the process alive once the work is done
  worker.unref();
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', (e: Error) => reject(new Error(`wasm worker ${init.thread} failed to start: ${e.message}`)));
  });
  return { ready, terminate: () => void worker.terminate() };
};
