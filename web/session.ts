// One model in the page: its data (the lecture's split, encoded), its parameters and training
// progress; trained on a chosen backend with the library's own loop, sampled, saved and loaded as
// the same .safetensors file the CLI reads and writes.

import {
  BatchedGenerator,
  firstNames,
  StepModel,
  plainSpec,
  referenceOps,
  convEngine,
  decodeCheckpoint,
  encodeCheckpoint,
  initParams,
  presetSpec,
  resolveSpec,
  newTrainState,
  openOps,
  Optimizer,
  parseItems,
  PythonRandom,
  train,
  Vocab,
  type BackendChoice,
  type EvalPoint,
  type Item,
  type ParamSet,
  type ResolvedSpec,
  type Split,
  type StepInfo,
  type TrainState,
} from '../src/index.ts';
import { encodeSplit } from '../src/data/encoded-split.ts';
import { exportOnnx, type OnnxExport } from '../src/export/onnx.ts';

/** What the page is told while a run goes on. */
export interface RunHooks {
  onStep(info: StepInfo): void;
  onEval(point: EvalPoint): void;
}

/** How long a run is, in steps from where the model is, and how each step trains. */
export interface RunSettings {
  steps: number;
  batchSize: number;
  lr: number;
  /** Evaluate on the dev split every this many steps. */
  evalEvery: number;
}

export class Session {
  readonly state: TrainState = newTrainState();
  // training's batches and sampling draw from separate generators, so names shown during a run do not change its batches
  private readonly rng = new PythonRandom(42);
  /** Seeds the next sample() call's names: each call gives new ones. */
  private sampleSeed = 1;
  private stopping = false;

  private constructor(
    /** Where the data came from, e.g. "names.txt". */
    readonly dataName: string,
    readonly items: Item[],
    readonly vocab: Vocab,
    readonly words: Split<number[]>,
    readonly spec: ResolvedSpec,
    readonly params: ParamSet,
  ) {}

  /** A new model of preset `preset` at its default sizes (seed 42) on the items of `text`; throws an InputError naming `name` and the line. */
  static fromText(name: string, text: string, preset = 'lecture'): Session {
    const items = parseItems(text, name);
    const vocab = Vocab.fromItems(items, name);
    const spec = resolveSpec(presetSpec(preset, {}, vocab.size));
    return new Session(name, items, vocab, encodeSplit(items, vocab, name).words, spec, initParams(spec, new PythonRandom(42)));
  }

  /** A checkpoint's model, to sample and to go on training on this session's data (whose characters it must know). */
  withCheckpoint(bytes: Uint8Array, fileName: string): Session {
    const loaded = decodeCheckpoint(bytes, fileName);
    return new Session(this.dataName, this.items, loaded.vocab, encodeSplit(this.items, loaded.vocab, this.dataName).words, loaded.spec, loaded.params);
  }

  /** Trains `settings.steps` more steps on `backend`, until done or {@link stop}; the ops are freed after. */
  async train(backend: BackendChoice, threads: number, settings: RunSettings, hooks: RunHooks): Promise<void> {
    const ops = await openOps(backend, { threads });
    this.stopping = false;
    try {
      const optimizerConfig = { name: 'adamw' as const, lr: settings.lr, decayAt: 0.75, weightDecay: 0.01 };
      const engine = convEngine(this.params, this.spec, ops, this.words.train);
      const optimizer = new Optimizer(optimizerConfig, ops);
      const opts = { steps: this.state.step + settings.steps, batchSize: settings.batchSize, optimizer: optimizerConfig, evalEvery: settings.evalEvery };
      await train(engine, this.params, optimizer, this.rng, this.words.val, opts, this.state, {
        onStep: hooks.onStep,
        onEval: (point) => hooks.onEval(point),
        shouldStop: () => this.stopping,
      });
    } finally {
      ops.destroy();
    }
  }

  stop(): void {
    this.stopping = true;
  }

  /** `count` new names at `temperature`, all in flight at once on the reference ops (a fresh seed each call). */
  sample(count: number, temperature: number): string[] {
    const spec = { ...plainSpec(this.sampleSeed++), sampling: { temperature, topK: 0 } };
    const generator = new BatchedGenerator(new StepModel(this.params, this.spec, referenceOps, count), spec);
    return firstNames(generator, count).map((chars) => this.vocab.decode(chars));
  }

  /** The model as a .safetensors file, as `makemore train` writes it. */
  save(): Uint8Array {
    return encodeCheckpoint({ params: this.params, vocab: this.vocab, spec: this.spec.spec });
  }

  /** The model as ONNX: the whole-sequence graph and the streaming step (the library's export). */
  exportOnnx(): OnnxExport {
    return exportOnnx(this.params, this.spec, { vocab: this.vocab.chars });
  }
}
