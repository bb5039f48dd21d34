// A tensor is a flat Float32Array plus its shape, row-major (last dimension fastest).

import type { PythonRandom } from './rng.ts';

/** A flat Float32Array and its shape, row-major (last dimension fastest). */
export interface Tensor {
  data: Float32Array;
  shape: number[];
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function tensor(shape: number[], data?: ArrayLike<number>): Tensor {
  const n = numel(shape);
  if (data !== undefined && data.length !== n) {
    throw new Error(`tensor: shape [${shape}] needs ${n} values, got ${data.length}`);
  }
  return { data: data === undefined ? new Float32Array(n) : Float32Array.from(data), shape: [...shape] };
}

export function zeros(shape: number[]): Tensor {
  return tensor(shape);
}

export function randn(shape: number[], rng: PythonRandom, scale = 1): Tensor {
  const t = zeros(shape);
  for (let i = 0; i < t.data.length; i++) t.data[i] = rng.gauss() * scale;
  return t;
}
