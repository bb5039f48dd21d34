// Axis ranges that start and end on round numbers (1, 2 or 5 times a power of ten), so tick
// labels read 0, 0.5, 1, 1.5 rather than 0.13, 0.61, 1.09.

export interface NiceScale {
  min: number;
  max: number;
  step: number;
  ticks: number[];
}

/** A range covering [lo, hi] with about `count` intervals of a round step. */
export function niceScale(lo: number, hi: number, count = 5): NiceScale {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) throw new RangeError(`niceScale: bad range [${lo}, ${hi}]`);
  if (lo === hi) {
    // One distinct value: widen to a visible range around it.
    const pad = lo === 0 ? 1 : Math.abs(lo) / 2;
    lo -= pad;
    hi += pad;
  }
  const rough = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  const first = Math.floor(lo / step);
  const last = Math.ceil(hi / step);
  // Round away float noise (0.30000000000000004) to the step's own decimal places.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(Number((i * step).toFixed(decimals)));
  return { min: ticks[0], max: ticks[ticks.length - 1], step, ticks };
}
