// How long each section measures, in wall time. The full profile keeps the whole bench near two to
// three minutes on a 2-core machine; --quick trades precision for a run of about a minute.

import type { Budget } from './measure.ts';

export interface Budgets {
  train: Budget;
  forward: Budget;
  generation: Budget;
  /** AdamW steps that train the weights the generation section samples from. */
  generationTrainSteps: number;
  /** Names per timed call of a batched generator: a few batches, so that the rows draining at the end of a call weigh little. */
  generationNames: number;
  kernel: Budget;
  /** PyTorch's matmul timing per kernel (its own short warm-up included). */
  torchKernelS: number;
  /** Training steps timed op by op for the per-op profile. */
  profileSteps: number;
  /**
   * The training rates measured in rounds against PyTorch (the WaveNet recipe's, wavenet-recipe.ts; the
   * lecture's, lecture-rounds.ts): each configuration of both sides once a round, the medians reported.
   */
  roundTrain: Budget;
  rounds: number;
  /** Each `makemore train <recipe> --minutes` process of the recipe section. */
  recipeCliS: number;
  /** Each run of the machine's 2-thread capacity probe (capacity.ts). */
  capacityS: number;
  /** Names each sampler draws in the --sample-cli section (--num overrides). */
  sampleCliNames: number;
  /** PyTorch's one-at-a-time loop in --sample-cli stops after this long, its names/s extrapolated to sampleCliNames. */
  sampleCliTorchLoopS: number;
}

export const FULL: Budgets = {
  train: { warmupS: 2, measureS: 8 },
  forward: { warmupS: 1, measureS: 3 },
  generation: { warmupS: 0.5, measureS: 3 },
  generationTrainSteps: 600,
  generationNames: 1024,
  kernel: { warmupS: 0.3, measureS: 1.2 },
  torchKernelS: 1,
  profileSteps: 200,
  roundTrain: { warmupS: 1, measureS: 2.5 },
  rounds: 5,
  recipeCliS: 30,
  capacityS: 3,
  sampleCliNames: 20_000,
  sampleCliTorchLoopS: 120,
};

export const QUICK: Budgets = {
  train: { warmupS: 0.5, measureS: 2.5 },
  forward: { warmupS: 0.2, measureS: 1 },
  generation: { warmupS: 0.2, measureS: 1 },
  generationTrainSteps: 200,
  generationNames: 1024,
  kernel: { warmupS: 0.1, measureS: 0.4 },
  torchKernelS: 0.4,
  profileSteps: 50,
  roundTrain: { warmupS: 0.5, measureS: 2.5 },
  rounds: 1,
  recipeCliS: 10,
  capacityS: 1,
  sampleCliNames: 2_000,
  sampleCliTorchLoopS: 15,
};
