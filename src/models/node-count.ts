// How many nodes each form evaluates for a batch of words, per level: level 0 is the embedding
// lookups, level k ≥ 1 the outputs of conv layer k − 1 (the lecture's k-th Linear).

/** The tree form evaluates 2^(n−k) nodes of level k for each of the batch's windows (one per target). */
export function treeNodeCounts(targets: number, nLayers: number): number[] {
  return Array.from({ length: nLayers + 1 }, (_, k) => targets * 2 ** (nLayers - k));
}

/** The conv form evaluates one node per position per level, shared by every window containing it. */
export function convNodeCounts(positions: number, nLayers: number): number[] {
  return new Array<number>(nLayers + 1).fill(positions);
}
