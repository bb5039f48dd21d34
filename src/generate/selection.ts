// Which candidates become output: the first `num`, in index order, that pass the rules (length,
// not seen before, not in an excluded set), out of at most `maxTries` candidates. Candidates may
// finish in any order (a batch finishes short names first); they are held until every earlier
// one has been judged, so the names — and which one of two equal names is kept — depend only on
// the seed, never on how many were in flight.

import type { Candidate, CandidateSource } from './candidates.ts';

export interface NameRules {
  minLength: number;
  maxLength: number;
  /** No name twice. */
  unique: boolean;
  /** Names never to output (e.g. the training data's). */
  exclude: ReadonlySet<string>;
}

/** Every candidate is a name. */
const ANY_NAME: NameRules = { minLength: 0, maxLength: Infinity, unique: false, exclude: new Set() };

export interface SelectionResult {
  found: number;
  /** Candidates drawn and judged. */
  tries: number;
}

/** Draws from `source` until `num` names pass `rules` or `maxTries` candidates were drawn; `emit` gets each, in order. */
export function selectNames(
  source: CandidateSource,
  decode: (chars: number[]) => string,
  rules: NameRules,
  limits: { num: number; maxTries: number },
  emit: (name: string, candidate: Candidate) => void,
): SelectionResult {
  const seen = new Set<string>();
  const waiting = new Map<number, Candidate>();
  let started = 0;
  let judged = 0;
  let found = 0;
  const accepts = (c: Candidate, name: string) => {
    if (c.chars.length < rules.minLength || c.chars.length > rules.maxLength || rules.exclude.has(name)) return false;
    if (!rules.unique) return true;
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  };
  // start another only while the ones in flight, were they all kept, would not be enough
  const next = () => (started < limits.maxTries && found + (started - judged) < limits.num ? started++ : null);
  const done = (finished: Candidate) => {
    waiting.set(finished.index, finished);
    for (let c = waiting.get(judged); c !== undefined; c = waiting.get(judged)) {
      waiting.delete(judged++);
      const name = decode(c.chars);
      if (found < limits.num && accepts(c, name)) {
        found++;
        emit(name, c);
      }
    }
  };
  source.draw(next, done);
  return { found, tries: judged };
}

/** The first `count` candidates, unfiltered (what `train` prints when it ends). */
export function firstNames(source: CandidateSource, count: number): number[][] {
  const names: number[][] = [];
  selectNames(source, () => '', ANY_NAME, { num: count, maxTries: count }, (_, c) => names.push(c.chars));
  return names;
}
