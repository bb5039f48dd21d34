// Node evaluations per target on a real batch: the tree form recomputes every window's whole tree,
// the conv form computes each (position, level) node once and shares it.

import { convNodeCounts, treeNodeCounts } from '../src/models/node-count.ts';
import type { PackedBatch } from '../src/data/packed-batch.ts';

export function nodesPerTarget(batch: PackedBatch, nLayers: number): { tree: number; conv: number } {
  const P = batch.positions; // one target per position, and one tree window per target
  const sum = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
  return { tree: sum(treeNodeCounts(P, nLayers)) / P, conv: sum(convNodeCounts(P, nLayers)) / P };
}
