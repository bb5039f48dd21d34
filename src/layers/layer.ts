// The tree form's layers: each an explicit forward/backward pair. `forward` caches what
// `backward` needs; `backward` adds parameter gradients into `grads` (+=) and returns dx.

import type { Tensor } from '../tensor.ts';
import type { Grads } from '../params.ts';

/** 'train': BatchNorm uses the batch's statistics and updates the running ones; 'eval': it uses the running ones. */
export type Mode = 'train' | 'eval';

export interface Layer {
  forward(x: Tensor, mode: Mode): Tensor;
  backward(dy: Tensor, grads: Grads): Tensor;
}
