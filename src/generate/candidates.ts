// What a generator produces and what it is asked for. A generator draws candidate names by index
// (0, 1, 2, …, each from its own stream: name-random.ts) for as long as it is handed indices, and
// reports each finished candidate, in whatever order they finish; selection.ts keeps the ones asked for.

import { DEFAULT_SAMPLING, type SamplingOptions } from './sampling.ts';

/** What every candidate of a run is drawn with. */
export interface NameSpec {
  seed: number;
  sampling: SamplingOptions;
  /** Characters every name starts with, fed to the model instead of drawn. */
  prefix: readonly number[];
  /** A name stops here if '.' has not ended it: it has exactly maxChars characters then. */
  maxChars: number;
}

/** Where a name is cut unless asked otherwise: far past any real name, short of a runaway. */
export const DEFAULT_MAX_CHARS = 50;

/** The model's own distribution, no prefix, names cut at DEFAULT_MAX_CHARS. */
export function plainSpec(seed: number): NameSpec {
  return { seed, sampling: DEFAULT_SAMPLING, prefix: [], maxChars: DEFAULT_MAX_CHARS };
}

/** A generated name: its index in the run and its characters (without the final '.'). */
export interface Candidate {
  index: number;
  /** The prefix and the characters drawn after it, without the final '.'. */
  chars: number[];
}

/** Something that draws candidate names (the batched or the naive generator). */
export interface CandidateSource {
  /**
   * Draws candidates: `next()` gives the index of the next one to start, or null when no more
   * should start; every started candidate is handed to `done` when it finishes. Returns when all
   * started candidates are done.
   */
  draw(next: () => number | null, done: (candidate: Candidate) => void): void;
}
