// Option parsing shared by the commands: strict (an unknown option is an error), typed numbers.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LECTURE_CONFIG, type ModelConfig } from '../params.ts';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export function parse(command: string, argv: string[], options: OptionSpec): Record<string, string | boolean | undefined> {
  try {
    const { values } = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false });
    return values as Record<string, string | boolean | undefined>;
  } catch (e) {
    throw new UsageError(`${(e as Error).message} (see makemore ${command} --help)`);
  }
}

export function intOption(values: Record<string, unknown>, name: string, fallback: number, min = 1): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${raw}"`);
  return n;
}

export function numberOption(values: Record<string, unknown>, name: string, fallback: number, check: (n: number) => boolean = (n) => n > 0): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`--${name}: invalid value "${raw}"`);
  return n;
}

export function choiceOption<T extends string>(values: Record<string, unknown>, name: string, choices: readonly T[], fallback: T): T {
  const raw = values[name] ?? fallback;
  const found = choices.find((c) => c === raw);
  if (!found) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got "${raw}"`);
  return found;
}

export function stringOption(values: Record<string, unknown>, name: string, fallback: string): string {
  const raw = values[name];
  return typeof raw === 'string' ? raw : fallback;
}

/** --n-embd, --n-hidden, --layers, --kernel: the hierarchical model's sizes, the lecture's by default. */
export const MODEL_SIZE_OPTIONS: OptionSpec = {
  'n-embd': { type: 'string' },
  'n-hidden': { type: 'string' },
  layers: { type: 'string' },
  kernel: { type: 'string' },
};

export function modelSizes(values: Record<string, unknown>): Omit<ModelConfig, 'vocabSize'> {
  const kernel = intOption(values, 'kernel', 2, 2);
  return {
    nEmbd: intOption(values, 'n-embd', LECTURE_CONFIG.nEmbd),
    nHidden: intOption(values, 'n-hidden', LECTURE_CONFIG.nHidden),
    nLayers: intOption(values, 'layers', LECTURE_CONFIG.nLayers),
    ...(kernel === 2 ? {} : { kernel }),
  };
}
