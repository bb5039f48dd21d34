import { describe, expect, it } from 'vitest';
import { pca2 } from '../src/plot/pca2.ts';
import { PythonRandom } from '../src/rng.ts';

describe('pca2', () => {
  it('finds axis-aligned components and their variances exactly', () => {
    // Spread 10 along x, 1 along y, nothing along z, centred on (5, 5, 5).
    const rows = [
      [15, 5, 5],
      [-5, 5, 5],
      [5, 6, 5],
      [5, 4, 5],
    ];
    const { components, variances, points } = pca2(rows.flat(), 4, 3);
    // `+ 0` turns a rounded -0 into 0.
    expect(components[0].map((c) => Number(c.toFixed(9)) + 0)).toEqual([1, 0, 0]);
    expect(components[1].map((c) => Number(c.toFixed(9)) + 0)).toEqual([0, 1, 0]);
    expect(variances[0]).toBeCloseTo(200 / 3, 9);
    expect(variances[1]).toBeCloseTo(2 / 3, 9);
    const rounded = points.map(([a, b]) => [Number(a.toFixed(9)) + 0, Number(b.toFixed(9)) + 0]);
    expect(rounded).toEqual([[10, 0], [-10, 0], [0, 1], [0, -1]]);
  });

  const dominant = [2, -1, 2, 4].map((v) => v / 5); // unit length
  const secondary = [1, 2, 0, 0].map((v) => v / Math.sqrt(5)); // unit, orthogonal to dominant

  it('finds an oblique dominant direction exactly', () => {
    // Amplitudes ±5 along dominant and ±1 along secondary with orthogonal sign patterns, so the
    // covariance is exactly (100 d dᵀ + 4 e eᵀ) / 3.
    const signs = [
      [1, 1],
      [-1, 1],
      [1, -1],
      [-1, -1],
    ];
    const data = signs.flatMap(([s, t]) => [0, 1, 2, 3].map((c) => 7 + 5 * s * dominant[c] + t * secondary[c]));
    const { components, variances } = pca2(data, 4, 4);
    // Signed so the largest-magnitude entry (4/5 here) is positive.
    for (let c = 0; c < 4; c++) expect(components[0][c]).toBeCloseTo(dominant[c], 9);
    // secondary's largest entry is 2/√5, positive.
    for (let c = 0; c < 4; c++) expect(components[1][c]).toBeCloseTo(secondary[c], 9);
    expect(variances[0]).toBeCloseTo(100 / 3, 9);
    expect(variances[1]).toBeCloseTo(4 / 3, 9);
  });

  it('recovers the dominant direction from noisy samples, deterministically', () => {
    const rng = new PythonRandom(5);
    const rows = 500;
    const data: number[] = [];
    for (let r = 0; r < rows; r++) {
      const a = rng.gauss(0, 5);
      const b = rng.gauss(0, 1);
      for (let c = 0; c < 4; c++) data.push(3 + a * dominant[c] + b * secondary[c] + rng.gauss(0, 0.05));
    }
    const result = pca2(data, rows, 4);
    // Sampling error alone moves the sample covariance's eigenvector by about 0.01.
    for (let c = 0; c < 4; c++) expect(Math.abs(result.components[0][c] - dominant[c])).toBeLessThan(0.03);
    expect(result.variances[0] / result.variances[1]).toBeGreaterThan(15);
    expect(pca2(data, rows, 4)).toEqual(result);
  });

  it('projects each centred row onto the components', () => {
    const data = [1, 2, 3, 4, 0, 1, 5, 7, 2, 2, 2, 2];
    const { points, components } = pca2(data, 3, 4);
    const mean = [0, 1, 2, 3].map((c) => (data[c] + data[4 + c] + data[8 + c]) / 3);
    for (let r = 0; r < 3; r++) {
      for (let k = 0; k < 2; k++) {
        const expected = [0, 1, 2, 3].reduce((s, c) => s + (data[r * 4 + c] - mean[c]) * components[k][c], 0);
        expect(points[r][k]).toBeCloseTo(expected, 12);
      }
    }
    const unit = components.map((v) => Math.hypot(...v));
    expect(unit[0]).toBeCloseTo(1, 12);
    expect(unit[1]).toBeCloseTo(1, 12);
    expect(components[0].reduce((s, v, c) => s + v * components[1][c], 0)).toBeCloseTo(0, 9);
  });

  it('gives a zero second component for one-column data', () => {
    const { components, variances, points } = pca2([1, 2, 3], 3, 1);
    expect(components).toEqual([[1], [0]]);
    expect(variances[0]).toBeCloseTo(1, 12);
    expect(variances[1]).toBe(0);
    expect(points.map(([a]) => a)).toEqual([-1, 0, 1]);
  });

  it('rejects data that does not match its dimensions', () => {
    expect(() => pca2([1, 2, 3], 2, 2)).toThrow(/2×2 needs 4 values, got 3/);
    expect(() => pca2([1, 2], 1, 2)).toThrow(/at least 2 rows/);
  });
});
