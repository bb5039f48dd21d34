// Cached incremental generation (Fast WaveNet, Paine et al. 2016): layer k (kernel K, dilation K^k)
// keeps a queue of its last (K−1)·K^k inputs, so each new character costs one node per layer
// instead of the whole tree.
// Queues start full of each level's all-'.' node — the value every position before the word has
// (kernels/layout.ts) — so the first character sees exactly the lecture's '.'-padded context.

import type { PythonRandom } from '../rng.ts';
import { BN_EPS } from '../layers/batchnorm1d.ts';
import { kernelOf, type ModelConfig, type ParamSet } from '../params.ts';
import { sampleNext, type SamplingOptions } from './sampling.ts';

/**
 * Samples words from a hierarchical model's parameters one character at a time, each character
 * costing one node per layer (Fast WaveNet). With the same seed it gives {@link generateNaive}'s words.
 */
export class CachedGenerator {
  /** dotNodes[k]: level k's value over an all-'.' receptive field (level 0 = embedding). */
  private readonly dotNodes: Float32Array[] = [];

  constructor(
    private readonly params: ParamSet,
    private readonly cfg: ModelConfig,
  ) {
    let node = this.embed(0);
    this.dotNodes.push(node);
    for (let k = 0; k < cfg.nLayers; k++) {
      node = this.layer(k, new Array<Float32Array>(kernelOf(cfg)).fill(node));
      this.dotNodes.push(node);
    }
  }

  /** One word's character indices (without the final '.'), at most `maxLength` of them. */
  generate(rng: PythonRandom, opts: SamplingOptions, maxLength: number): number[] {
    // queues[k] holds level k at times t − (K−1)·d … t − 1, oldest first; tap j reads t − (K−1−j)·d
    const K = kernelOf(this.cfg);
    const queues = Array.from({ length: this.cfg.nLayers }, (_, k) => new Array<Float32Array>((K - 1) * K ** k).fill(this.dotNodes[k]));
    const out: number[] = [];
    let input = 0;
    while (out.length < maxLength) {
      let node = this.embed(input);
      for (let k = 0; k < this.cfg.nLayers; k++) {
        const d = K ** k;
        const taps = [...Array.from({ length: K - 1 }, (_, j) => queues[k][j * d]), node];
        queues[k].shift();
        queues[k].push(node);
        node = this.layer(k, taps);
      }
      const next = sampleNext(this.head(node), rng, opts);
      if (next === 0) break;
      out.push(next);
      input = next;
    }
    return out;
  }

  private embed(char: number): Float32Array {
    const C = this.cfg.nEmbd;
    return this.params.get('embedding.weight').data.slice(char * C, (char + 1) * C);
  }

  // taps K × (Cin), earliest first → tanh(BN_eval([taps]·W)) (H): one node of conv layer k
  private layer(k: number, taps: Float32Array[]): Float32Array {
    const H = this.cfg.nHidden;
    const w = this.params.get(`conv.${k}.weight`).data;
    const h = new Float32Array(H);
    taps.forEach((x, tap) => {
      for (let c = 0; c < x.length; c++) {
        const row = (tap * x.length + c) * H;
        for (let o = 0; o < H; o++) h[o] += x[c] * w[row + o];
      }
    });
    const bn = (s: string) => this.params.get(`bn.${k}.${s}`).data;
    const [gamma, beta, mean, variance] = [bn('weight'), bn('bias'), bn('running_mean'), bn('running_var')];
    for (let o = 0; o < H; o++) h[o] = Math.tanh((gamma[o] * (h[o] - mean[o])) / Math.sqrt(variance[o] + BN_EPS) + beta[o]);
    return h;
  }

  // x (H) → logits (V)
  private head(x: Float32Array): Float32Array {
    const { nHidden: H, vocabSize: V } = this.cfg;
    const w = this.params.get('head.weight').data;
    const logits = this.params.get('head.bias').data.slice();
    for (let k = 0; k < H; k++) for (let v = 0; v < V; v++) logits[v] += x[k] * w[k * V + v];
    return logits;
  }
}
