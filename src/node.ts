// The library's public API in Node (the package's "node" export): everything in index.ts, plus
// reading items and checkpoints from files and writing checkpoints atomically.

export * from './index.ts';
export { readItemsFile } from './io/text-file.ts';
export { loadCheckpoint, saveCheckpoint } from './io/checkpoint-file.ts';
