// A browser consumer, type-checked (not run) with the "browser" condition and without Node's types:
// the browser entry's declarations stand alone, and offer no file I/O.
import { decodeCheckpoint, CachedGenerator, PythonRandom, selectBackend, describeBackend, type LoadedCheckpoint } from 'makemore-wavenet';
// @ts-expect-error loadCheckpoint reads files: the browser entry does not have it
import { loadCheckpoint } from 'makemore-wavenet';

/** Fetches a checkpoint and samples `count` names from it. */
export async function namesFrom(url: string, count: number, seed: number): Promise<string[]> {
  const response = await fetch(url);
  const model: LoadedCheckpoint = decodeCheckpoint(new Uint8Array(await response.arrayBuffer()), url);
  const generator = new CachedGenerator(model.params, model.config);
  const rng = new PythonRandom(seed);
  return Array.from({ length: count }, () => model.vocab.decode(generator.generate(rng, { temperature: 1, topK: 0 }, 50)));
}

/** Which gpu.js backend the page would train on, and why. */
export function backendLine(): string {
  return describeBackend(selectBackend());
}
