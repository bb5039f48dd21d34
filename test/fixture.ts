// Loads the lecture's PyTorch reference (float64) into our ParamSet.
import { readFileSync } from 'node:fs';
import { ParamSet } from '../src/params.ts';
import { tensor } from '../src/tensor.ts';

interface Stored {
  shape: number[];
  data: number[];
}

export interface LectureReference {
  config: { vocab_size: number; n_embd: number; n_hidden: number; block_size: number };
  words: string[];
  X: number[][];
  Y: number[];
  params: Record<string, Stored>;
  train_mode: {
    logits: Stored;
    loss: number;
    grads: Record<string, Stored>;
    running_after_one_step: Record<string, Stored>;
  };
  eval_mode_after_that_step: { logits: Stored; loss: number };
}

export const reference: LectureReference = JSON.parse(
  readFileSync(new URL('./fixtures/lecture_tree_reference.json', import.meta.url), 'utf8'),
);

export function referenceParams(): ParamSet {
  const params = new ParamSet();
  for (const [name, t] of Object.entries(reference.params)) params.add(name, tensor(t.shape, t.data));
  const H = reference.config.n_hidden;
  for (let k = 0; params.has(`conv.${k}.weight`); k++) {
    params.add(`bn.${k}.running_mean`, tensor([H]), true);
    params.add(`bn.${k}.running_var`, tensor([H], new Array(H).fill(1)), true);
  }
  return params;
}

