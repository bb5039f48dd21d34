// The lecture's fix for the hockey-stick loss plot: average the per-step loss over blocks of
// steps (`torch.tensor(lossi).view(-1, 1000).mean(1)`), which shows the trend, not the noise.

/** Mean of each consecutive block; a shorter final block is averaged over what it holds. */
export function blockAverage(values: ArrayLike<number>, blockSize: number): number[] {
  if (!Number.isInteger(blockSize) || blockSize <= 0) throw new RangeError(`blockAverage: block size must be a positive integer, got ${blockSize}`);
  const means: number[] = [];
  for (let start = 0; start < values.length; start += blockSize) {
    const end = Math.min(start + blockSize, values.length);
    let sum = 0;
    for (let i = start; i < end; i++) sum += values[i];
    means.push(sum / (end - start));
  }
  return means;
}
