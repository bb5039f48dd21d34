// A layer kind: what a spec's layer of one `type` may hold (its fields, checked before anything is
// built), its output width and tensors for a given input width, how far back it reads, and how to
// build it. src/spec/resolve.ts walks a spec with these; a new layer type is one file exporting its
// kind plus one line in registry.ts.

import type { LayerSpec } from '../../spec/types.ts';
import type { ParamSet } from '../../params.ts';
import type { ConvLayer } from './layer.ts';

/**
 * How a tensor starts: N(0, std²), then times `scale` (the lecture's head: N(0, 1/fan_in), then
 * 0.1); zeros; ones; or the column norms of a sibling (weight norm's g, so that w starts as v).
 */
export type Init = { normal: number; scale?: number } | 'zeros' | 'ones' | { columnNormOf: string };

/** One tensor of a layer: `name` is the full name, `{layer name}.{suffix}`. */
export interface TensorSpec {
  name: string;
  shape: number[];
  init: Init;
  /** Running statistics: stored, not trained. */
  buffer?: boolean;
}

/**
 * A field's rule: an integer or number within bounds, a boolean, a list of layers (a body), a list
 * of such lists (branches), or an optional list of widths.
 */
export type Field =
  | { type: 'int'; min: number; max?: number; default?: number; help: string }
  | { type: 'number'; min: number; below?: number; default?: number; help: string }
  | { type: 'boolean'; default: boolean; help: string }
  | { type: 'layers'; help: string }
  | { type: 'branches'; help: string }
  | { type: 'widths'; help: string };

/** A spec layer, checked and sized: its fields with defaults filled in. */
export interface ResolvedLayer {
  readonly kind: LayerKind;
  readonly type: string;
  /** Where it stands in the spec, e.g. `layers.3.body.0`: what errors name. */
  readonly path: string;
  /** Prefix of its tensors' names. */
  readonly name: string;
  readonly fields: Record<string, unknown>;
  readonly cIn: number;
  readonly cOut: number;
  readonly tensors: TensorSpec[];
  /** A residual's or skip's own layers; a parallel layer's branches one after another. */
  readonly body: ResolvedLayer[];
  /** Positions back beyond its own that the layer's output reads: (K − 1)·dilation for a conv. */
  readonly reach: number;
}

/** What a kind's `resolve` may ask of the walk over the spec. */
export interface Resolver {
  /** Stops with a one-line error naming this layer and `field`. */
  fail(field: string | null, problem: string): never;
  /** Resolves the layers of `field` (a list of specs, at least one) on input width cIn. */
  body(field: string, specs: LayerSpec[], cIn: number): ResolvedLayer[];
  /** Widths of the skip connections since the last skip sum. */
  skipWidths(): number[];
  /** This layer is a skip of `width`: the next skip sum takes it. */
  addSkip(width: number): void;
  /** The skips' widths, which this layer (a skip sum) sums: none are pending after it. */
  takeSkips(): number[];
}

/** What a kind works out for one layer of the spec. */
export interface Sized {
  cOut: number;
  tensors?: TensorSpec[];
  body?: ResolvedLayer[];
  reach?: number;
}

/** Builds the layers of a resolved body (the generic fusions applied), for composite kinds. */
export interface BuildContext {
  readonly params: ParamSet;
  body(layers: readonly ResolvedLayer[]): ConvLayer;
  /** A dropout layer's stream: its index among the model's dropouts. */
  nextDropout(): number;
}

export interface LayerKind {
  /** One line for `info` and the README's layer table. */
  readonly help: string;
  readonly fields: Record<string, Field>;
  /** Output width, tensors and body for input width `cIn`; refuses what does not chain (r.fail). */
  size(layer: { name: string; fields: Record<string, unknown> }, cIn: number, r: Resolver): Sized;
  build(layer: ResolvedLayer, ctx: BuildContext): ConvLayer;
  /**
   * The positions back the output reads, given `e` for the input: e + reach by default. Residuals
   * and skips follow their bodies; a skip sum takes the farthest skip.
   */
  extent?(layer: ResolvedLayer, e: number, walk: ExtentWalk): number;
}

/** For {@link LayerKind.extent}: a body's extent, and the skips' extents since the last sum. */
export interface ExtentWalk {
  body(layers: readonly ResolvedLayer[], e: number): number;
  readonly skips: number[];
}

/** A normalisation's scale γ (ones) and shift β (zeros) over C channels: `{name}.weight`, `{name}.bias`. */
export function affineTensors(layer: { name: string }, C: number): TensorSpec[] {
  return [
    { name: tensorName(layer, 'weight'), shape: [C], init: 'ones' },
    { name: tensorName(layer, 'bias'), shape: [C], init: 'zeros' },
  ];
}

/** `{name}.{suffix}`. */
export function tensorName(layer: { name: string }, suffix: string): string {
  return `${layer.name}.${suffix}`;
}
