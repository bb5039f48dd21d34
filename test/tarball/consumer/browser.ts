// A browser consumer, type-checked (not run) with the "browser" condition and without Node's types:
// the browser entry's declarations stand alone, and offer no file I/O.
import { decodeCheckpoint, BatchedGenerator, hierarchicalStep, plainSpec, firstNames, referenceOps, isWaveNet, selectBackend, describeBackend, type LoadedCheckpoint } from 'makemore-wavenet';
// @ts-expect-error loadCheckpoint reads files: the browser entry does not have it
import { loadCheckpoint } from 'makemore-wavenet';

/** Fetches a checkpoint and samples `count` names from it. */
export async function namesFrom(url: string, count: number, seed: number): Promise<string[]> {
  const response = await fetch(url);
  const model: LoadedCheckpoint = decodeCheckpoint(new Uint8Array(await response.arrayBuffer()), url);
  if (isWaveNet(model.config)) throw new Error(`${url} holds a WaveNet: sample it with generatorFor`);
  const generator = new BatchedGenerator(hierarchicalStep(model.params, model.config, referenceOps), plainSpec(seed), count);
  return firstNames(generator, count).map((chars) => model.vocab.decode(chars));
}

/** Which backend the page would train on, and why. */
export function backendLine(): string {
  return describeBackend(selectBackend());
}
