// Central finite differences, shared by the gradient checks.

/** Numerical gradient of f with respect to every element of `values`, step h. */
export function numericGrad(values: Float32Array, f: () => number, h = 1e-3): Float32Array {
  const g = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const saved = values[i];
    values[i] = saved + h;
    const up = f();
    values[i] = saved - h;
    const down = f();
    values[i] = saved;
    g[i] = (up - down) / (2 * h);
  }
  return g;
}

/** max |a − b| / max(max |b|, floor): how far a gradient is from its finite-difference estimate. */
export function relError(a: Float32Array, b: Float32Array, floor = 1e-6): number {
  let diff = 0;
  let scale = floor;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

/** Σ r·y: a scalar loss whose gradient with respect to y is r. */
export function dot(y: ArrayLike<number>, r: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] * r[i];
  return s;
}
