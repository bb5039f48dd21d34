// Where a conv-engine training step's time goes, by op: every ConvOps call of a run of steps timed
// and averaged per step, the rest of the step (batch packing, loss sum, optimizer, JS glue) as "other".

import type { ConvOps } from '../src/engine/ops.ts';

/** `ops` with every call timed into `ms` (op name → total milliseconds). */
export function timeOps<T extends ConvOps>(ops: T, ms: Map<string, number>): T {
  const timed = { ...ops };
  for (const [name, f] of Object.entries(ops)) {
    if (typeof f !== 'function') continue;
    (timed as Record<string, unknown>)[name] = (...args: unknown[]) => {
      const t = performance.now();
      const result = f.apply(ops, args);
      ms.set(name, (ms.get(name) ?? 0) + performance.now() - t);
      return result;
    };
  }
  return timed;
}

/** ms per step by op over `steps` runs of `step` (after `warmup` untimed ones), plus `other` and `step`. */
export function profileSteps(step: () => void, ms: Map<string, number>, warmup: number, steps: number): Record<string, number> {
  for (let i = 0; i < warmup; i++) step();
  ms.clear();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) step();
  const total = performance.now() - t0;
  const byOp = [...ms].filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]);
  const inOps = byOp.reduce((a, [, v]) => a + v, 0);
  return Object.fromEntries([...byOp.map(([k, v]) => [k, v / steps]), ['other', (total - inOps) / steps], ['step', total / steps]]);
}
