// A browser consumer, type-checked (not run) with the "browser" condition and without Node's types:
// the browser entry's declarations stand alone, and offer no file I/O.
import { decodeCheckpoint, BatchedGenerator, StepModel, plainSpec, firstNames, referenceOps, selectBackend, describeBackend, type LoadedCheckpoint } from 'makemore-wavenet';
// @ts-expect-error loadCheckpoint reads files: the browser entry does not have it
import { loadCheckpoint } from 'makemore-wavenet';

/** Fetches a checkpoint and samples `count` names from it. */
export async function namesFrom(url: string, count: number, seed: number): Promise<string[]> {
  const response = await fetch(url);
  const model: LoadedCheckpoint = decodeCheckpoint(new Uint8Array(await response.arrayBuffer()), url);
  const generator = new BatchedGenerator(new StepModel(model.params, model.spec, referenceOps, count), plainSpec(seed));
  return firstNames(generator, count).map((chars) => model.vocab.decode(chars));
}

/** Which backend the page would train on, and why. */
export function backendLine(): string {
  return describeBackend(selectBackend());
}
