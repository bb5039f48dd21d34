// A model is a spec: plain JSON describing a stack of layers between a character embedding and the
// head (a linear map to the vocabulary). Everything else — parameter names and shapes, the receptive
// field, what a pass costs, the one-pass engine and the one-position-at-a-time generator — is read
// from it (resolve.ts). Layer types and their fields: src/models/conv-layers/registry.ts.

/** One layer of a stack: `type` names its kind; `name` (optional) prefixes its tensors' names. */
export interface LayerSpec {
  type: string;
  /** Its tensors are `{name}.weight` and so on; by default the layer's path, e.g. `layers.2`. */
  name?: string;
  [field: string]: unknown;
}

/** embedding (V, E) → layers → head (W, V). */
export interface ModelSpec {
  /** V: characters, '.' included (index 0); a spec file may leave it out, the data gives it. */
  vocabSize: number;
  /** E: width of each character's embedding. */
  embedding: number;
  layers: LayerSpec[];
}

/** Widths past this are far beyond what names need, and grow memory fast. */
export const MAX_SPEC_WIDTH = 4096;

/** A spec that cannot be built: the message names the layer (its path) and the field. */
export class SpecError extends Error {
  constructor(
    readonly path: string,
    readonly field: string | null,
    readonly problem: string,
  ) {
    super(`${path}${field === null ? '' : `.${field}`}: ${problem}`);
    this.name = 'SpecError';
  }
}
