// Steady-state throughput: run the work until a warm-up budget has passed (kernels built, JIT hot),
// then count the units it reports over a fixed wall-time budget. A time budget rather than an
// iteration count keeps the whole bench's length predictable whatever the engine's speed.

export interface Budget {
  warmupS: number;
  measureS: number;
}

export interface Rate {
  /** Units per second over the measured window. */
  perSecond: number;
  units: number;
  iterations: number;
  seconds: number;
}

/** `work` runs one iteration and returns how many units (targets, names, flops) it did. */
export type Work = () => number | Promise<number>;

// the first call builds kernels; the second runs what was built before anything is timed
const WARMUP_ITERATIONS = 2;

export async function measureRate(work: Work, budget: Budget): Promise<Rate> {
  await runFor(work, budget.warmupS, WARMUP_ITERATIONS);
  return runFor(work, budget.measureS, 1);
}

async function runFor(work: Work, seconds: number, minIterations: number): Promise<Rate> {
  const t0 = performance.now();
  let units = 0;
  let iterations = 0;
  let elapsed = 0;
  do {
    units += await work();
    iterations++;
    elapsed = (performance.now() - t0) / 1000;
  } while (elapsed < seconds || iterations < minIterations);
  return { perSecond: units / elapsed, units, iterations, seconds: elapsed };
}

/** This process's resident-set high-water mark, in MiB (maxRSS is in KiB). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
