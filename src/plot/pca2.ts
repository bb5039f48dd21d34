// The first two principal components of a row-major matrix, for drawing high-dimensional
// embeddings in the plane. Power iteration on the covariance matrix: deterministic (fixed start,
// fixed sign), and cheap for the small column counts of character embeddings.

export interface Pca2 {
  /** Each row's coordinates along the two components (after centring). */
  points: [number, number][];
  /** Unit vectors of length `cols`, each signed so its largest-magnitude entry is positive. */
  components: [number[], number[]];
  /** Variance along each component (eigenvalues of the covariance, divided by rows − 1). */
  variances: [number, number];
}

const MAX_ITERATIONS = 10_000;
const TOLERANCE = 1e-12;

export function pca2(data: ArrayLike<number>, rows: number, cols: number): Pca2 {
  if (data.length !== rows * cols) throw new RangeError(`pca2: ${rows}×${cols} needs ${rows * cols} values, got ${data.length}`);
  if (rows < 2) throw new RangeError(`pca2: needs at least 2 rows, got ${rows}`);

  const mean = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) mean[c] += data[r * cols + c] / rows;
  const centred = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) centred[r * cols + c] = data[r * cols + c] - mean[c];

  const cov = new Float64Array(cols * cols);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < cols; i++) {
      const xi = centred[r * cols + i];
      for (let j = 0; j < cols; j++) cov[i * cols + j] += (xi * centred[r * cols + j]) / (rows - 1);
    }
  }

  const first = dominantEigenvector(cov, cols, []);
  const second = dominantEigenvector(cov, cols, [first.vector]);
  const points = Array.from({ length: rows }, (_, r): [number, number] => [
    dot(centred.subarray(r * cols, (r + 1) * cols), first.vector),
    dot(centred.subarray(r * cols, (r + 1) * cols), second.vector),
  ]);
  return { points, components: [first.vector, second.vector], variances: [first.value, second.value] };
}

/** Power iteration restricted to the complement of `exclude` (orthonormal vectors found before). */
function dominantEigenvector(matrix: Float64Array, n: number, exclude: number[][]): { vector: number[]; value: number } {
  // A fixed, unremarkable start: orthogonal to the answer only by coincidence.
  let v = Array.from({ length: n }, (_, i) => 1 + i / n);
  v = normalise(orthogonalise(v, exclude));
  let value = 0;
  for (let iteration = 0; iteration < MAX_ITERATIONS && v.some((x) => x !== 0); iteration++) {
    const next = orthogonalise(multiply(matrix, n, v), exclude);
    value = dot(next, v);
    const unit = normalise(next);
    const change = Math.hypot(...unit.map((x, i) => x - v[i]));
    v = unit;
    if (change < TOLERANCE) break;
  }
  return { vector: withPositiveLargest(v), value: Math.max(0, value) };
}

function multiply(matrix: Float64Array, n: number, v: number[]): number[] {
  return Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let j = 0; j < n; j++) s += matrix[i * n + j] * v[j];
    return s;
  });
}

function orthogonalise(v: number[], against: number[][]): number[] {
  let out = v;
  for (const u of against) {
    const along = dot(out, u);
    out = out.map((x, i) => x - along * u[i]);
  }
  return out;
}

/** The unit vector along v, or all zeros where v has no length (no variance left). */
function normalise(v: number[]): number[] {
  const length = Math.hypot(...v);
  return length === 0 ? v.map(() => 0) : v.map((x) => x / length);
}

function withPositiveLargest(v: number[]): number[] {
  let largest = 0;
  for (const x of v) if (Math.abs(x) > Math.abs(largest)) largest = x;
  return largest < 0 ? v.map((x) => -x) : v;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
