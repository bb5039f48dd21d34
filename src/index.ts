// The library's public API. The CLI (src/cli.ts) is built from exactly these pieces.

export { PythonRandom } from './rng.ts';
export { tensor, zeros, randn, type Tensor } from './tensor.ts';
export { InputError } from './errors.ts';
export { parseItems, type Item } from './data/items.ts';
export { Vocab } from './data/vocab.ts';
export { lectureSplit, type Split, type SplitName } from './data/split.ts';
export { buildWindows, encodeAll, type Windows } from './data/windows.ts';
export { packWords, type PackedBatch } from './data/packed-batch.ts';
export { ParamSet, initHierarchical, initFlat, inferConfig, blockSize, LECTURE_CONFIG, type ModelConfig, type FlatConfig, type Grads } from './params.ts';
export { TreeModel } from './models/tree.ts';
export { ConvModel } from './models/conv.ts';
export { treeNodeCounts, convNodeCounts } from './models/node-count.ts';
export { referenceOps } from './engine/reference-ops.ts';
export type { ConvOps, PrimitiveOps } from './engine/ops.ts';
export { createWasmOps, type WasmOps, type WasmOptions } from './engine/wasm-ops.ts';
export { openOps, type OpenOps } from './engine/open-ops.ts';
export { nodeWorkers } from './engine/node-workers.ts';
export { createGpuOps } from './engine/gpu-ops.ts';
export { selectBackend, availableModes, describeBackend, BACKEND_MODES, type BackendMode } from './backend.ts';
export { convEngine, treeEngine, type Engine, type EngineName } from './train/engines.ts';
export { Optimizer, learningRate, type OptimizerConfig } from './train/optimizer.ts';
export { train, newTrainState, NonFiniteLossError, type TrainState, type TrainHooks } from './train/trainer.ts';
export { CachedGenerator } from './generate/cached.ts';
export { generateNaive } from './generate/naive.ts';
export { sampleNext, type SamplingOptions } from './generate/sampling.ts';
export { encodeSafetensors, decodeSafetensors } from './io/safetensors.ts';
export { encodeCheckpoint, decodeCheckpoint } from './io/checkpoint.ts';
