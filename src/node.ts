// The library's public API in Node (the package's "node" export): everything in index.ts, plus
// reading items and checkpoints from files, writing checkpoints atomically, worker threads for the
// wasm backend, and turning on relaxed SIMD where Node 20 has it behind a flag.

export * from './index.ts';
export { readItemsFile } from './io/text-file.ts';
export { loadCheckpoint, saveCheckpoint } from './io/checkpoint-file.ts';
export { nodeWorkers } from './engine/node-workers.ts';
export { enableRelaxedSimd } from './engine/node-relaxed-simd.ts';
