// A model family's incremental form (Fast WaveNet, Paine et al. 2016): what the batched generator
// (src/generate/batched.ts) needs to advance B names by one character each. The generator keeps,
// for every layer, a queue of that layer's last `dilation` inputs per name and hands the layer
// its input from `dilation` characters back beside the new one; the family says what a layer
// computes from that pair. A family with other layers (a gated residual block, say) provides its
// own StepModel; the queues, refills and sampling stay the same.

/** One layer of a model's single-position step: its input width and dilation (its queue length). */
export interface StepLayer {
  /** Channels of the layer's input. */
  readonly width: number;
  /** How many characters back the layer's earlier tap reads. */
  readonly dilation: number;
}

/** What a model family provides for cached generation: embed, one layer's step for many rows, the head. */
export interface StepModel {
  /** Bottom up; each layer's output is the next one's input, the last one's the head's. */
  readonly layers: readonly StepLayer[];
  /** A zeroed array the model's ops read in place (the generator builds each layer's input there). */
  allocate(length: number): Float32Array;
  /** Starts one character's step: results of the previous step may be overwritten from here on. */
  begin(): void;
  // chars (B) → layer 0's input (B, layers[0].width)
  embed(chars: Int32Array): Float32Array;
  // [earlier | now] (B, 2·width_k): the layer's input `dilation` characters back and now → layer k+1's input (B, width_k+1)
  step(k: number, pair: Float32Array, B: number): Float32Array;
  // top layer's output (B, H) → logits (B, V)
  head(top: Float32Array, B: number): Float32Array;
}
