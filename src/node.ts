// The library's public API in Node (the package's "node" export): everything in index.ts, plus
// reading items and checkpoints from files, writing checkpoints atomically, and worker threads for
// the wasm backend.

export * from './index.ts';
export { readItemsFile } from './io/text-file.ts';
export { loadCheckpoint, saveCheckpoint } from './io/checkpoint-file.ts';
export { nodeWorkers } from './engine/node-workers.ts';
