// Branches side by side (Inception's, or models joined into one by `makemore join`): each branch
// reads its slice of the input's channels (`inputs`), or all of them, and their outputs are
// concatenated along the channels. Joined models are branches over their embeddings' slices, so
// the joined model's one head sums what each model's head gave.

import type { Grads } from '../../params.ts';
import type { LayerKind, ResolvedLayer } from './kind.ts';
import type { ConvLayer, Pass, StepPass, StepQueue } from './layer.ts';

// x (P, Cin) → [branch 0(x's slice 0) | branch 1(x's slice 1) | …] (P, Σ branch widths)
export class Parallel implements ConvLayer {
  constructor(
    private readonly branches: readonly ConvLayer[],
    /** Each branch's input width, slices of x in order; null: each branch reads all of x. */
    private readonly inputs: readonly number[] | null,
    private readonly outputs: readonly number[],
  ) {}

  forward(x: Float32Array, pass: Pass): Float32Array {
    const xs = this.slices(x, pass.batch.positions);
    return joinColumns(this.branches.map((b, i) => b.forward(xs[i], pass)), pass.batch.positions, this.outputs);
  }

  backward(dy: Float32Array, pass: Pass, grads: Grads): Float32Array {
    const P = pass.batch.positions;
    const dys = splitColumns(dy, P, this.outputs);
    const dxs = this.branches.map((b, i) => b.backward(dys[i], pass, grads));
    return this.inputs ? joinColumns(dxs, P, this.inputs) : dxs.reduce((a, b) => pass.ops.add(a, b));
  }

  step(x: Float32Array, pass: StepPass): Float32Array {
    const xs = this.slices(x, pass.rows);
    return joinColumns(this.branches.map((b, i) => b.step(xs[i], pass)), pass.rows, this.outputs);
  }

  queues(): StepQueue[] {
    return this.branches.flatMap((b) => b.queues());
  }

  private slices(x: Float32Array, rows: number): Float32Array[] {
    return this.inputs ? splitColumns(x, rows, this.inputs) : this.branches.map(() => x);
  }
}

// x (rows, Σ widths) → one (rows, width) array per width, in order
function splitColumns(x: Float32Array, rows: number, widths: readonly number[]): Float32Array[] {
  const C = widths.reduce((a, b) => a + b, 0);
  let from = 0;
  return widths.map((w) => {
    const out = new Float32Array(rows * w);
    for (let r = 0; r < rows; r++) out.set(x.subarray(r * C + from, r * C + from + w), r * w);
    from += w;
    return out;
  });
}

// (rows, width) arrays → (rows, Σ widths), side by side in order
function joinColumns(parts: readonly Float32Array[], rows: number, widths: readonly number[]): Float32Array {
  const C = widths.reduce((a, b) => a + b, 0);
  const out = new Float32Array(rows * C);
  let from = 0;
  parts.forEach((part, i) => {
    const w = widths[i];
    for (let r = 0; r < rows; r++) out.set(part.subarray(r * w, (r + 1) * w), r * C + from);
    from += w;
  });
  return out;
}

/** Each branch's layers: a parallel layer's body holds them one branch after another. */
export function branchesOf(layer: ResolvedLayer): ResolvedLayer[][] {
  let at = 0;
  return (layer.fields.branches as unknown[][]).map((b) => layer.body.slice(at, (at += b.length)));
}

export const parallelKind: LayerKind = {
  help: "branches side by side: each reads its slice of x's channels (inputs) or all of x; outputs concatenated",
  fields: {
    branches: { type: 'branches', help: 'two or more lists of layers' },
    inputs: { type: 'widths', help: "each branch's input width, slices of x in order (default: each reads all of x)" },
  },
  size(layer, cIn, r) {
    const branches = layer.fields.branches as never[][];
    const inputs = layer.fields.inputs as number[] | null;
    if (inputs) {
      if (inputs.length !== branches.length) r.fail('inputs', `lists ${inputs.length} widths for ${branches.length} branches`);
      const sum = inputs.reduce((a, b) => a + b, 0);
      if (sum !== cIn) r.fail('inputs', `the widths sum to ${sum}, not to the input width ${cIn}`);
    }
    if (r.skipWidths().length > 0) r.fail(null, 'stands between a skip and its skipSum: sum the skips before the branches');
    const resolved = branches.map((specs, i) => {
      const layers = r.body(`branches.${i}`, specs, inputs ? inputs[i] : cIn);
      if (r.skipWidths().length > 0) r.fail(`branches.${i}`, 'ends with a skip not summed: each branch sums its own skips');
      return layers;
    });
    return { cOut: resolved.reduce((n, b) => n + b[b.length - 1].cOut, 0), body: resolved.flat() };
  },
  build(layer, ctx) {
    const branches = branchesOf(layer);
    return new Parallel(
      branches.map((b) => ctx.body(b)),
      layer.fields.inputs as number[] | null,
      branches.map((b) => b[b.length - 1].cOut),
    );
  },
  extent: (layer, e, walk) => Math.max(...branchesOf(layer).map((b) => walk.body(b, e))),
};
