// The library's public API, for browsers and Node alike: nothing here imports a Node-only module
// (the package's "browser" and default export). src/node.ts adds file I/O for Node. What is not
// exported here or there is internal: the package's exports map makes deep imports unreachable.

// data: items → vocabulary → the lecture's split → model inputs
export { parseItems, type Item } from './data/items.ts';
export { Vocab } from './data/vocab.ts';
export { lectureSplit, type Split } from './data/split.ts';
export { buildWindows, type Windows } from './data/windows.ts';
export { packWords, type PackedBatch } from './data/packed-batch.ts';

// a model is a spec: a stack of layers (src/spec/types.ts), checked and sized, its parameters
export { SpecError, type ModelSpec, type LayerSpec } from './spec/types.ts';
export { resolveSpec, type ResolvedSpec } from './spec/resolve.ts';
export { initParams } from './spec/init.ts';
export { describeLayers } from './spec/describe.ts';
export { PRESETS, presetSpec, type Preset } from './presets/registry.ts';
export { lectureSpec, initLecture, asLecture, LECTURE_CONFIG } from './presets/lecture.ts';
export { waveNetSpec, type WaveNetConfig, type Norm } from './presets/wavenet.ts';
export { tcnSpec, type TcnConfig } from './presets/tcn.ts';
export type { OptionDecl, OptionTable } from './options/declare.ts';

// the parameter set and the forms of the model that share it: whole words in one pass, one position at a time, and the lecture's tree form
export { PythonRandom } from './rng.ts';
export type { Tensor } from './tensor.ts';
export { ParamSet, type ModelConfig, type Grads } from './params.ts';
export type { Mode } from './layers/layer.ts';
export { TreeModel } from './models/tree.ts';
export { ConvModel, type LossOptions } from './models/conv.ts';
export { StepModel } from './models/step.ts';
export { joinModels, type JoinMember } from './models/join.ts';
export { exportOnnx, stepFileName, OnnxExportError, type OnnxExport, type OnnxExportOptions } from './export/onnx.ts';
export { treeNodeCounts, convNodeCounts } from './models/node-count.ts';

// where the conv form's ops run
export { referenceOps } from './engine/reference-ops.ts';
export type { ConvOps, PrimitiveOps, BatchStats, CrossEntropyResult } from './engine/ops.ts';
export { createWasmOps, preferredSimd, relaxedSimdAvailable, type SimdVariant, type WasmOps, type WasmOptions } from './engine/wasm-ops.ts';
export type { WorkerSpawner, WorkerInit, SpawnedWorker } from './engine/wasm-threads.ts';
export { openOps, type OpenOps } from './engine/open-ops.ts';
export { createGpuOps, type GpuOps } from './engine/gpu-ops.ts';
export { selectBackend, describeBackend, type BackendChoice, type Backend, type GpuJsMode } from './backend.ts';

// training
export { convEngine, treeEngine, type Engine, type LossResult } from './train/engines.ts';
export { Optimizer, type OptimizerConfig } from './train/optimizer.ts';
export { train, newTrainState, type TrainOptions, type TrainState, type TrainHooks, type EvalPoint, type StepInfo } from './train/trainer.ts';
export { DivergenceError, NonFiniteLossError, DEFAULT_DIVERGENCE_FACTOR } from './train/divergence.ts';

// generation
export { BatchedGenerator } from './generate/batched.ts';
export { generateNaive, naiveSource } from './generate/naive.ts';
export { plainSpec, type NameSpec, type Candidate, type CandidateSource } from './generate/candidates.ts';
export { firstNames } from './generate/selection.ts';
export type { SamplingOptions } from './generate/sampling.ts';

// checkpoints as bytes (src/node.ts reads and writes them as files)
export { encodeCheckpoint, decodeCheckpoint, type CheckpointContents, type LoadedCheckpoint } from './io/checkpoint.ts';
export { InputError } from './errors.ts';
